/// Real processes: a worker killed with SIGKILL mid-run loses nothing, and two processes sharing PostgreSQL never
/// take the same job.
module TimepointFlash.Tests.Persistence.Process

open System
open System.Diagnostics
open System.IO
open System.Reflection
open System.Threading.Tasks
open Expecto
open TimepointFlash.Persistence
open TimepointFlash.Tests.Persistence.Support
open TimepointFlash.Tests.Persistence.JobSupport

/// Starts this test executable as a job worker child process.
let private startWorker (url: string) (name: string) =
    let psi =
        let exe = Environment.ProcessPath

        if Path.GetFileNameWithoutExtension exe = "dotnet" then
            let p = ProcessStartInfo "dotnet"
            p.ArgumentList.Add(Assembly.GetEntryAssembly().Location)
            p
        else
            ProcessStartInfo exe

    for a in [ "--job-worker"; url; name ] do
        psi.ArgumentList.Add a

    psi.UseShellExecute <- false
    Process.Start psi

let private kill (p: Process) =
    if not p.HasExited then
        p.Kill true

    p.WaitForExit()

/// The DATABASE_URL form of a test configuration.
let private urlOf =
    function
    | DbConfig.Sqlite path -> "sqlite:///" + path // path is absolute: sqlite:////tmp/…
    | DbConfig.Postgres cs -> cs

let private completionsPerJob (db: Database) : Task<(string * string) list> = task {
    let! rows =
        Db.run db (fun s ->
            Db.query s "SELECT job_id, worker FROM test_completions" [] (fun r -> r.text "job_id", r.text "worker"))

    return ok "completions" rows
}

let private prepare (db: Database) (n: int) = task {
    let! _ = Db.run db (fun s -> Db.execute s WorkerProcess.completionsTable [])
    let jobs = Jobs.store db (JobSignal())
    return! enqueueMany jobs n 5
}

let private completed (db: Database) (n: int) () = task {
    let! c = scalar db "SELECT COUNT(*) FROM generation_jobs WHERE status = 'completed'" []
    return c = int64 n
}

let private killScenario (config: DbConfig) = task {
    let db = openDb config
    use _dbLifetime = db :> IDisposable
    let! _ = Migrations.apply db
    let! ids = prepare db 40
    let first = startWorker (urlOf config) "first"

    let progressed () = task {
        let! finished = scalar db "SELECT COUNT(*) FROM test_completions" []
        let! running = scalar db "SELECT COUNT(*) FROM generation_jobs WHERE status = 'running'" []
        return finished >= 6L && running >= 1L
    }

    try
        do! waitUntil "the first worker to make progress" (TimeSpan.FromSeconds 60.0) progressed
    finally
        kill first

    let second = startWorker (urlOf config) "second"

    try
        do! waitUntil "every job to complete" (TimeSpan.FromSeconds 120.0) (completed db 40)
    finally
        kill second

    let! rows = completionsPerJob db
    let perJob = rows |> List.countBy fst
    let jobIds = perJob |> List.map (fun (k: string, _) -> Guid.Parse k) |> Set.ofList
    Expect.equal jobIds (Set.ofList ids) "no job lost"
    Expect.isTrue (perJob |> List.forall (fun (_, n) -> n = 1)) "no job completed twice"
    Expect.isTrue (rows |> List.exists (fun (_, w) -> w = "second")) "the second process finished the rest"
    let! unfinished = scalar db "SELECT COUNT(*) FROM generation_jobs WHERE status <> 'completed'" []
    Expect.equal unfinished 0L "every job completed"
}

let private killTest (dialect: Dialect) =
    let name =
        $"{dialectName dialect}: a worker process killed mid-run loses no job and none completes twice"

    testTask name { do! withConfig dialect killScenario }

let private twoProcessScenario (config: DbConfig) = task {
    let db = openDb config
    use _dbLifetime = db :> IDisposable
    let! _ = Migrations.apply db
    let! ids = prepare db 60
    let a = startWorker (urlOf config) "alpha"
    let b = startWorker (urlOf config) "beta"

    try
        do! waitUntil "every job to complete" (TimeSpan.FromSeconds 120.0) (completed db 60)
    finally
        kill a
        kill b

    let! rows = completionsPerJob db
    let perJob = rows |> List.countBy fst
    let jobIds = perJob |> List.map (fun (k: string, _) -> Guid.Parse k) |> Set.ofList
    Expect.equal jobIds (Set.ofList ids) "no job lost"
    Expect.isTrue (perJob |> List.forall (fun (_, n) -> n = 1)) "never the same job twice"
    let workers = rows |> List.map snd |> List.distinct |> List.sort
    Expect.equal workers [ "alpha"; "beta" ] "both processes took jobs"
}

let private twoProcesses =
    let name =
        "PostgreSQL: two worker processes on one database share the queue and never take the same job"

    testTask name { do! withConfig Dialect.Postgres twoProcessScenario }

let tests =
    testSequenced
    <| testList "Persistence.Process" [ killTest Dialect.Sqlite; killTest Dialect.Postgres; twoProcesses ]
