namespace TimepointFlash.Persistence

open System
open Npgsql

/// Which database engine a DATABASE_URL names.
[<RequireQualifiedAccess>]
type Dialect =
    | Sqlite
    | Postgres

/// Where the database lives, parsed from DATABASE_URL.
[<RequireQualifiedAccess>]
type DbConfig =
    /// A SQLite file path (relative to the working directory or absolute), or ":memory:".
    | Sqlite of path: string
    /// An Npgsql connection string.
    | Postgres of connectionString: string

/// Why DATABASE_URL could not be used.
[<RequireQualifiedAccess>]
type DbConfigError =
    | UnknownScheme of scheme: string
    | Malformed of reason: string
    | UnsupportedParameter of name: string

[<RequireQualifiedAccess>]
module DbConfigError =
    /// One line naming DATABASE_URL; never contains the password.
    let describe =
        function
        | DbConfigError.UnknownScheme scheme ->
            $"DATABASE_URL: unsupported scheme '{scheme}' (use sqlite:///path, postgres://user:pass@host:port/db, postgresql://… or an Npgsql connection string such as Host=…;Database=…)"
        | DbConfigError.Malformed reason -> $"DATABASE_URL: {reason}"
        | DbConfigError.UnsupportedParameter name -> $"DATABASE_URL: unsupported connection parameter '{name}'"

[<RequireQualifiedAccess>]
module DbConfig =
    /// The SQLite file used when DATABASE_URL is unset or empty.
    let defaultSqlitePath = "timepoint.db"

    /// The engine a configuration names.
    let dialect =
        function
        | DbConfig.Sqlite _ -> Dialect.Sqlite
        | DbConfig.Postgres _ -> Dialect.Postgres

    /// A description safe for logs: the password is never included.
    let describe =
        function
        | DbConfig.Sqlite path -> $"SQLite {path}"
        | DbConfig.Postgres cs ->
            let b = NpgsqlConnectionStringBuilder cs
            let port = if b.Port = 0 then 5432 else b.Port
            $"PostgreSQL {b.Host}:{port}/{b.Database}"

    // libpq URL query parameters and the Npgsql keys they map to.
    let private libpqKeys =
        dict [
            "sslmode", "SSL Mode"
            "application_name", "Application Name"
            "connect_timeout", "Timeout"
            "target_session_attrs", "Target Session Attributes"
            "options", "Options"
            "sslrootcert", "Root Certificate"
            "sslcert", "SSL Certificate"
            "sslkey", "SSL Key"
            "sslpassword", "SSL Password"
            "keepalives_idle", "Keepalive"
            "search_path", "Search Path"
        ]

    let private sslModes =
        dict [
            "disable", "Disable"
            "allow", "Allow"
            "prefer", "Prefer"
            "require", "Require"
            "verify-ca", "VerifyCA"
            "verify-full", "VerifyFull"
        ]

    let private set (b: NpgsqlConnectionStringBuilder) (key: string) (value: string) =
        try
            b[key] <- value
            Ok()
        with
        | :? ArgumentException
        | :? FormatException
        | :? InvalidCastException -> Error(DbConfigError.UnsupportedParameter key)

    let private queryParameters (query: string) =
        query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
        |> Array.map (fun kv ->
            match kv.IndexOf '=' with
            | -1 -> Uri.UnescapeDataString kv, ""
            | i -> Uri.UnescapeDataString(kv.Substring(0, i)), Uri.UnescapeDataString(kv.Substring(i + 1)))
        |> List.ofArray

    let private applyParameter b (name: string, value: string) =
        match libpqKeys.TryGetValue(name.ToLowerInvariant()) with
        | true, "SSL Mode" ->
            match sslModes.TryGetValue(value.ToLowerInvariant()) with
            | true, mode -> set b "SSL Mode" mode
            | _ ->
                let allowed = String.Join(", ", sslModes.Keys)
                Error(DbConfigError.Malformed $"sslmode '{value}' is not one of {allowed}")
        | true, key -> set b key value
        | _ -> set b name value

    let private ofPostgresUrl (url: string) =
        match Uri.TryCreate(url, UriKind.Absolute) with
        | false, _ -> Error(DbConfigError.Malformed "the postgres:// URL cannot be parsed")
        | true, uri when String.IsNullOrEmpty uri.Host ->
            Error(DbConfigError.Malformed "the postgres:// URL has no host")
        | true, uri ->
            let b = NpgsqlConnectionStringBuilder()
            b.Host <- uri.IdnHost

            if uri.Port > 0 then
                b.Port <- uri.Port

            match uri.UserInfo.Split(':', 2) with
            | [| "" |] -> ()
            | [| user |] -> b.Username <- Uri.UnescapeDataString user
            | parts ->
                b.Username <- Uri.UnescapeDataString parts[0]
                b.Password <- Uri.UnescapeDataString parts[1]

            let database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'))

            if database <> "" then
                b.Database <- database

            queryParameters uri.Query
            |> List.fold (fun acc p -> acc |> Result.bind (fun () -> applyParameter b p)) (Ok())
            |> Result.map (fun () -> DbConfig.Postgres b.ConnectionString)

    let private ofConnectionString (cs: string) =
        try
            let b = NpgsqlConnectionStringBuilder cs

            if String.IsNullOrWhiteSpace b.Host then
                Error(DbConfigError.Malformed "the connection string has no Host")
            else
                Ok(DbConfig.Postgres b.ConnectionString)
        with :? ArgumentException as e ->
            // The message names the offending key, never its value.
            let key =
                cs.Split(';', StringSplitOptions.RemoveEmptyEntries)
                |> Array.map (fun kv -> (kv.Split('=', 2)[0]).Trim())
                |> Array.tryFind (fun k -> e.Message.Contains(k, StringComparison.OrdinalIgnoreCase))

            match key with
            | Some k -> Error(DbConfigError.UnsupportedParameter k)
            | None -> Error(DbConfigError.Malformed "the connection string cannot be parsed")

    let private ofSqlite (rest: string) =
        let path = Uri.UnescapeDataString rest

        match path with
        | ""
        | "/" -> Error(DbConfigError.Malformed "sqlite:/// needs a file path, e.g. sqlite:///timepoint.db")
        | ":memory:"
        | "/:memory:" -> Ok(DbConfig.Sqlite ":memory:")
        | p -> Ok(DbConfig.Sqlite p)

    /// Parses DATABASE_URL: unset/empty → SQLite timepoint.db; sqlite:///relative.db, sqlite:////absolute.db,
    /// sqlite::memory:; postgres:// and postgresql:// URLs (libpq query parameters such as sslmode mapped to
    /// Npgsql keys); or a raw Npgsql connection string (Host=…;Database=…).
    let parse (value: string option) : Result<DbConfig, DbConfigError> =
        match value |> Option.map (fun s -> s.Trim()) with
        | None
        | Some "" -> Ok(DbConfig.Sqlite defaultSqlitePath)
        | Some v ->
            let lower = v.ToLowerInvariant()

            let after (prefix: string) = v.Substring prefix.Length

            if lower = "sqlite::memory:" || lower = "sqlite://:memory:" then
                Ok(DbConfig.Sqlite ":memory:")
            elif lower.StartsWith "sqlite+aiosqlite:///" then
                ofSqlite (after "sqlite+aiosqlite:///")
            elif lower.StartsWith "sqlite:///" then
                ofSqlite (after "sqlite:///")
            elif lower.StartsWith "postgres://" || lower.StartsWith "postgresql://" then
                ofPostgresUrl v
            elif lower.StartsWith "postgresql+asyncpg://" then
                ofPostgresUrl ("postgresql://" + after "postgresql+asyncpg://")
            elif lower.Contains "://" then
                Error(DbConfigError.UnknownScheme(v.Substring(0, lower.IndexOf "://")))
            elif v.Contains '=' then
                ofConnectionString v
            else
                match v.IndexOf ':' with
                | i when i > 0 -> Error(DbConfigError.UnknownScheme(v.Substring(0, i)))
                | _ -> Error(DbConfigError.Malformed "expected a URL such as sqlite:///timepoint.db or postgres://…")
