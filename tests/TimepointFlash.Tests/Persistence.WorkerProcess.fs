/// The child process of the kill tests: `TimepointFlash.Tests --job-worker <DATABASE_URL> <name>` runs the real
/// worker pool with a deterministic runner that records each completion in test_completions, in the same
/// transaction as the job's completion, until it is killed.
module TimepointFlash.Tests.Persistence.WorkerProcess

open System
open System.Threading
open System.Threading.Tasks
open TimepointFlash
open TimepointFlash.Persistence

/// The table the runner writes; created by the test before the children start.
let completionsTable =
    "CREATE TABLE test_completions (job_id text NOT NULL, worker text NOT NULL, finished_at text NOT NULL)"

/// Runner: sleeps a little (so kills land mid-run), then completes with a completion row in the same transaction.
let runner (name: string) (work: TimeSpan) : JobRunner =
    fun job ct -> task {
        do! Task.Delay(work, ct)

        let record (s: Session) = task {
            let! _ =
                Db.execute s "INSERT INTO test_completions (job_id, worker, finished_at) VALUES (@job, @worker, @at)" [
                    "job", Sql.text (string job.Id)
                    "worker", Sql.text name
                    "at", Sql.text (DateTimeOffset.UtcNow.ToString "O")
                ]

            return ()
        }

        return Ok(JobOutcome.DoneWith record)
    }

/// Entry point of the child: runs until killed (or for ten minutes at most).
let main (args: string list) : int =
    match args with
    | [ url; name ] ->
        match DbConfig.parse (Some url) |> Result.mapError DbConfigError.describe with
        | Error message ->
            eprintfn "%s" message
            2
        | Ok config ->
            match Database.create config with
            | Error e ->
                eprintfn "%s" (DbError.describe e)
                3
            | Ok db ->
                let signal = JobSignal()
                let jobs = Jobs.store db signal

                let options = {
                    Worker.defaults 2 with
                        WorkerId = name
                        Lease = TimeSpan.FromSeconds 1.0
                        HeartbeatEvery = TimeSpan.FromMilliseconds 250.0
                        IdlePollMin = TimeSpan.FromMilliseconds 20.0
                        IdlePollMax = TimeSpan.FromMilliseconds 200.0
                }

                use cts = new CancellationTokenSource(TimeSpan.FromMinutes 10.0)
                let onEvent _ = ()

                Worker.run jobs signal options (runner name (TimeSpan.FromMilliseconds 150.0)) onEvent cts.Token
                |> fun t -> t.Wait()

                0
    | _ ->
        eprintfn "usage: --job-worker <DATABASE_URL> <worker-name>"
        2
