namespace TimepointFlash

/// What went wrong talking to the database; every adapter failure becomes one of these.
[<RequireQualifiedAccess>]
type DbError =
    /// The server cannot be reached or refused the connection.
    | Unavailable of detail: string
    /// The server did not answer in time (command, connect or pool wait timeout).
    | Timeout of detail: string
    /// A UNIQUE constraint rejected the write.
    | UniqueViolation of detail: string
    /// A foreign key, CHECK or NOT NULL constraint rejected the write.
    | ConstraintViolation of detail: string
    /// The row the operation needs does not exist.
    | NotFound of what: string
    /// A stored row could not be read back into the domain.
    | Corrupt of detail: string
    /// A migration script failed.
    | Migration of version: int * detail: string
    /// Any other database failure.
    | Failed of detail: string

[<RequireQualifiedAccess>]
module DbError =
    /// One line for logs and problem details (no connection secrets).
    let describe =
        function
        | DbError.Unavailable d -> $"database unavailable: {d}"
        | DbError.Timeout d -> $"database timed out: {d}"
        | DbError.UniqueViolation d -> $"duplicate value: {d}"
        | DbError.ConstraintViolation d -> $"constraint violated: {d}"
        | DbError.NotFound what -> $"not found: {what}"
        | DbError.Corrupt d -> $"stored data cannot be read: {d}"
        | DbError.Migration(v, d) -> $"migration {v:D4} failed: {d}"
        | DbError.Failed d -> $"database error: {d}"

    /// True for a unique violation.
    let isUnique =
        function
        | DbError.UniqueViolation _ -> true
        | _ -> false

    /// True when the database is down or too slow: the same request may succeed later (an outage, not a bug).
    let isOutage =
        function
        | DbError.Unavailable _
        | DbError.Timeout _ -> true
        | _ -> false
