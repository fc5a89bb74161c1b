module TimepointFlash.Tests.Persistence.Url

open Expecto
open Npgsql
open TimepointFlash.Persistence

let private parse s = DbConfig.parse s

let private postgres (value: string) =
    match parse (Some value) with
    | Ok(DbConfig.Postgres cs) -> NpgsqlConnectionStringBuilder cs
    | other -> failtest $"expected a PostgreSQL configuration, got %A{other}"

let private error (value: string) =
    match parse (Some value) with
    | Error e -> DbConfigError.describe e
    | Ok c -> failtest $"expected an error, got %A{c}"

let tests =
    testList "Persistence.Url" [
        test "unset DATABASE_URL means the SQLite file timepoint.db" {
            Expect.equal (parse None) (Ok(DbConfig.Sqlite "timepoint.db")) "default"
            Expect.equal (parse (Some "  ")) (Ok(DbConfig.Sqlite "timepoint.db")) "blank"
        }

        test "sqlite:/// takes a relative path and sqlite://// an absolute one" {
            Expect.equal (parse (Some "sqlite:///data/tp.db")) (Ok(DbConfig.Sqlite "data/tp.db")) "relative"
            Expect.equal (parse (Some "sqlite:////var/lib/tp.db")) (Ok(DbConfig.Sqlite "/var/lib/tp.db")) "absolute"

            Expect.equal
                (parse (Some "sqlite+aiosqlite:///./timepoint.db"))
                (Ok(DbConfig.Sqlite "./timepoint.db"))
                "the reference's async form"
        }

        test "sqlite in-memory forms are accepted" {
            for v in [ "sqlite::memory:"; "sqlite:///:memory:"; "sqlite://:memory:" ] do
                Expect.equal (parse (Some v)) (Ok(DbConfig.Sqlite ":memory:")) v
        }

        test "a postgres:// URL maps user, password, host, port and database" {
            let b = postgres "postgres://alice:s3cret@db.example.com:6543/timepoints"
            Expect.equal b.Host "db.example.com" "host"
            Expect.equal b.Port 6543 "port"
            Expect.equal b.Username "alice" "user"
            Expect.equal b.Password "s3cret" "password"
            Expect.equal b.Database "timepoints" "database"
        }

        test "a postgresql:// URL without a port uses PostgreSQL's default" {
            let b = postgres "postgresql://bob@localhost/tp"
            Expect.equal b.Port 5432 "default port"
            Expect.equal b.Username "bob" "user"
            Expect.isNull b.Password "no password"
        }

        test "percent-encoded credentials are decoded" {
            let b = postgres "postgres://us%40er:p%3Ass%2Fw%40rd@h/d%20b"
            Expect.equal b.Username "us@er" "user"
            Expect.equal b.Password "p:ss/w@rd" "password"
            Expect.equal b.Database "d b" "database"
        }

        test "sslmode and other libpq parameters map to Npgsql keys" {
            let b =
                postgres "postgres://u:p@h:5432/d?sslmode=require&application_name=tpflash&connect_timeout=7"

            Expect.equal b.SslMode SslMode.Require "sslmode"
            Expect.equal b.ApplicationName "tpflash" "application_name"
            Expect.equal b.Timeout 7 "connect_timeout"
            Expect.equal (postgres "postgres://h/d?sslmode=verify-full").SslMode SslMode.VerifyFull "verify-full"
        }

        test "every documented libpq parameter is accepted" {
            let query =
                [
                    "sslmode=prefer"
                    "application_name=a"
                    "connect_timeout=5"
                    "target_session_attrs=any"
                    "options=-c%20statement_timeout%3D5000"
                    "sslrootcert=/r.pem"
                    "sslcert=/c.pem"
                    "sslkey=/k.pem"
                    "sslpassword=x"
                    "keepalives_idle=30"
                    "search_path=public"
                ]
                |> String.concat "&"

            let b = postgres $"postgres://h/d?{query}"
            Expect.equal b.SearchPath "public" "search_path"
            Expect.equal b.KeepAlive 30 "keepalives_idle"
            Expect.equal b.Options "-c statement_timeout=5000" "options"
        }

        test "Npgsql keys are accepted as URL parameters" {
            let b = postgres "postgres://h/d?Maximum%20Pool%20Size=40"
            Expect.equal b.MaxPoolSize 40 "pool size"
        }

        test "a raw Npgsql connection string is accepted" {
            let b = postgres "Host=127.0.0.1;Port=5433;Username=postgres;Password=x;Database=tp"
            Expect.equal b.Host "127.0.0.1" "host"
            Expect.equal b.Port 5433 "port"
        }

        test "an unknown scheme is one line naming DATABASE_URL without the password" {
            let message = error "mysql://root:hunter2@db/tp"
            Expect.stringStarts message "DATABASE_URL:" "names the variable"
            Expect.stringContains message "'mysql'" "names the scheme"
            Expect.isFalse (message.Contains "hunter2") "no password"
            Expect.isFalse (message.Contains "\n") "one line"
        }

        test "an unknown parameter or sslmode is refused without echoing the password" {
            let m1 = error "postgres://u:hunter2@h/d?frobnicate=1"
            Expect.stringContains m1 "frobnicate" "names the parameter"
            Expect.isFalse (m1.Contains "hunter2") "no password"
            let m2 = error "postgres://u:hunter2@h/d?sslmode=sometimes"
            Expect.stringContains m2 "sslmode" "names sslmode"
            Expect.isFalse (m2.Contains "hunter2") "no password"
        }

        test "a connection string without a host is refused" {
            Expect.stringContains (error "Database=tp;Username=x") "Host" "needs a host"
        }

        test "the configuration description never contains the password" {
            match parse (Some "postgres://u:hunter2@h:1234/d") with
            | Ok c ->
                let d = DbConfig.describe c
                Expect.equal d "PostgreSQL h:1234/d" "description"
            | Error e -> failtest (DbConfigError.describe e)
        }
    ]
