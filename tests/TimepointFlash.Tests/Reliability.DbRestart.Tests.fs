/// A dedicated PostgreSQL stopped and restarted under running background generations: readiness goes 503 then
/// 200, and every job completes exactly once.
module TimepointFlash.Tests.Reliability.DbRestart

open System
open System.Diagnostics
open System.IO
open System.Threading.Tasks
open Expecto
open Npgsql
open TimepointFlash.Tests.Support.ApiHost
open TimepointFlash.Tests.Support.LatencyProvider
open TimepointFlash.Tests.Reliability.Faults

/// Runs a program and returns its trimmed stdout; fails the test on a non-zero exit.
let runText (file: string) (args: string) : Task<string> = task {
    let psi =
        ProcessStartInfo(file, args, RedirectStandardOutput = true, RedirectStandardError = true)

    use p = Process.Start psi
    let! out = p.StandardOutput.ReadToEndAsync()
    let! err = p.StandardError.ReadToEndAsync()
    do! p.WaitForExitAsync()
    Expect.equal p.ExitCode 0 $"{file} {args}: {err}"
    return out.Trim()
}

/// pg_ctl against a server made by scripts/start-postgres.sh (as the postgres user when running as root).
let pgCtl (port: int) (action: string) = task {
    let dir = $"/tmp/tpflash-pg.{port}"
    let bindir = (File.ReadAllText(Path.Combine(dir, "bindir"))).Trim()

    let options =
        $"-o \"-c listen_addresses=127.0.0.1 -p {port} -k {dir} -c max_connections=300 -c fsync=off\""

    let args = $"-D {dir}/data -l {dir}/server.log -w -t 30 -m fast {options} {action}"

    if Environment.UserName = "root" then
        let! _ = runText "runuser" $"-u postgres -- {bindir}/pg_ctl {args}"
        return ()
    else
        let! _ = runText $"{bindir}/pg_ctl" args
        return ()
}

/// The repository's scripts folder, found from the built server.
let private scriptsDir () =
    Path.Combine(Path.GetDirectoryName(ServerKill.serverDll ()), "../../../../../scripts")

/// Starts a throwaway PostgreSQL of a test's own (scripts/start-postgres.sh): its connection string and port.
let ownPostgres () = task {
    let! (cs: string) = runText "bash" (Path.Combine(scriptsDir (), "start-postgres.sh"))
    return cs, NpgsqlConnectionStringBuilder(cs).Port
}

/// Stops and removes a server made by ownPostgres.
let stopOwnPostgres (port: int) =
    let stop = Path.Combine(scriptsDir (), "stop-postgres.sh")
    (runText "bash" $"{stop} {port}").Wait()

let tests =
    testList "DbRestart" [
        testTask "readiness is 503 while PostgreSQL is down and every background job completes once after it returns" {
            let! (cs: string), port = ownPostgres ()

            let! provider =
                LatencyProvider.start {
                    LatencyProvider.defaults with
                        FixedMs = 150.0
                }

            try
                let! (api: TestApi) =
                    startWith
                        (LatencyProvider.env provider
                         @ [
                             "DATABASE_URL", cs
                             "FALLBACK_PROVIDER", "none"
                             "GENERATION_CONCURRENCY", "3"
                         ])
                        None

                try
                    let! (ready: Net.Http.HttpResponseMessage) = api.Client.GetAsync "/api/v1/health"
                    Expect.equal (int ready.StatusCode) 200 "ready with the database up"

                    let! ids =
                        [ for i in 1..5 -> $"apollo 11 moon landing 1969 take {i}" ]
                        |> List.map (startBackground api)
                        |> Task.WhenAll

                    do! Task.Delay 400
                    do! pgCtl port "stop"
                    let! (down: Net.Http.HttpResponseMessage) = api.Client.GetAsync "/api/v1/health"
                    Expect.equal (int down.StatusCode) 503 "not ready while the database is down"
                    do! Task.Delay 1500
                    do! pgCtl port "start"
                    let mutable back = false
                    let deadline = DateTime.UtcNow.AddSeconds 30.0

                    while not back && DateTime.UtcNow < deadline do
                        let! (r: Net.Http.HttpResponseMessage) = api.Client.GetAsync "/api/v1/health"
                        back <- int r.StatusCode = 200

                        if not back then
                            do! Task.Delay 100

                    Expect.isTrue back "ready again once the database is back"

                    for id in ids do
                        let! t = waitFinal api id 90.0
                        Expect.equal (str t "status") "completed" $"job {id} completed"

                    use conn = new NpgsqlConnection(cs)
                    do! conn.OpenAsync()

                    use cmd =
                        new NpgsqlCommand("SELECT COUNT(*) FROM generation_jobs WHERE status = 'completed'", conn)

                    let! (n: obj) = cmd.ExecuteScalarAsync()
                    Expect.equal (Convert.ToInt64 n) 5L "one completed job per timepoint"
                    use cmd2 = new NpgsqlCommand("SELECT COUNT(*) FROM generation_jobs", conn)
                    let! (all: obj) = cmd2.ExecuteScalarAsync()
                    Expect.equal (Convert.ToInt64 all) 5L "no duplicate job rows"
                finally
                    (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
            finally
                (provider :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
                stopOwnPostgres port
        }
    ]
