module TimepointFlash.Tests.Postgres

open System
open Expecto
open Npgsql

/// Connection string of the throwaway server started by scripts/start-postgres.sh.
let connectionString () =
    Environment.GetEnvironmentVariable "TEST_POSTGRES_URL" |> Option.ofObj

let tests =
    testList "PostgreSQL" [
        testTask "the throwaway server answers SELECT version()" {
            match connectionString () with
            | None -> failtest "TEST_POSTGRES_URL is not set: run the suite through ./scripts/test.sh"
            | Some cs ->
                use conn = new NpgsqlConnection(cs)
                do! conn.OpenAsync()
                use cmd = new NpgsqlCommand("SELECT version()", conn)
                let! v = cmd.ExecuteScalarAsync()
                Expect.stringContains (string v) "PostgreSQL 15" "server is PostgreSQL 15"
        }
    ]
