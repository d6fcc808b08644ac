import { AppError } from '../../src-shared/errors'

// The errors SQLAlchemy raises, under the same names, carrying bridge error codes.

export class NoResultFound extends AppError {
  constructor(message = 'No row was found when one was required') {
    super('NO_RESULT', message)
    this.name = 'NoResultFound'
  }
}

export class MultipleResultsFound extends AppError {
  constructor(message = 'Multiple rows were found when exactly one was required') {
    super('MULTIPLE_RESULTS', message)
    this.name = 'MultipleResultsFound'
  }
}

export class StaleDataError extends AppError {
  constructor(message: string) {
    super('STALE_DATA', message)
    this.name = 'StaleDataError'
  }
}

export class InvalidRequestError extends AppError {
  constructor(message: string) {
    super('INVALID_STATE', message)
    this.name = 'InvalidRequestError'
  }
}

/** Reading an expired attribute needs a SELECT, which a synchronous property cannot await. */
export class ExpiredAttributeError extends AppError {
  constructor(entity: string, attr: string) {
    super(
      'INVALID_STATE',
      `${entity}.${attr} is expired (after commit, rollback or expire()); await session.refresh(obj) to load it again`,
    )
    this.name = 'ExpiredAttributeError'
  }
}

/** An unloaded relationship, as SQLAlchemy's AsyncSession reports it: load it with an await. */
export class NotLoadedError extends AppError {
  constructor(entity: string, rel: string) {
    super(
      'INVALID_STATE',
      `${entity}.${rel} is not loaded; use a loader option (selectinload, joinedload, ...) or await session.load(obj, '${rel}')`,
    )
    this.name = 'NotLoadedError'
  }
}

export class CircularDependencyError extends AppError {
  constructor(message: string) {
    super('INVALID_STATE', message)
    this.name = 'CircularDependencyError'
  }
}

/** A flush that failed: the database is as it was, and so are the session's pending changes. */
export class FlushError extends AppError {
  constructor(
    cause: AppError,
    /** The objects whose statement failed (one, or a page of a multi-row INSERT). */
    readonly objects: object[],
  ) {
    super(cause.code, cause.message, cause.details)
    this.name = 'FlushError'
  }
}
