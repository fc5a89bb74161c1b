namespace TimepointFlash.Persistence

/// Which database engine a DATABASE_URL names.
[<RequireQualifiedAccess>]
type Dialect =
    | Sqlite
    | Postgres
