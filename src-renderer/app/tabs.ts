// Every feature's tab kind, registered by importing its tab module once (see tab-registry.ts).
import '../features/query/tab'
import '../features/grid/tab'
import '../features/structure/tab'
import '../features/normalize/tab'
import '../features/tx/tab'
import '../features/designer/tab'
import '../features/orm/tab'
