// Seeds a PostgreSQL database for the backup/restore check (scripts/check-deploy.sh): applies the real migrations
// and writes timepoints (one linked to a parent, one failed), step logs, images and jobs through the persistence
// stores. Needs the Persistence assembly published to artifacts/deploy-check/lib (check-deploy.sh does it).
//   DATABASE_URL="Host=…;Database=…" dotnet fsi scripts/lib/backup-fixture.fsx
#r "../../artifacts/deploy-check/lib/TimepointFlash.Core.dll"
#r "../../artifacts/deploy-check/lib/FsToolkit.ErrorHandling.dll"
#r "../../artifacts/deploy-check/lib/Npgsql.dll"
#r "../../artifacts/deploy-check/lib/Microsoft.Data.Sqlite.dll"
#r "../../artifacts/deploy-check/lib/TimepointFlash.Persistence.dll"

open System
open System.Text.Json.Nodes
open System.Threading.Tasks
open TimepointFlash
open TimepointFlash.Persistence

let run (t: Task<Result<'T, DbError>>) =
    match t.GetAwaiter().GetResult() with
    | Ok v -> v
    | Error e -> failwithf "database error: %s" (DbError.describe e)

let db =
    match DbConfig.parse (Environment.GetEnvironmentVariable "DATABASE_URL" |> Option.ofObj) with
    | Error e -> failwith (DbConfigError.describe e)
    | Ok config ->
        match (Database.connect config).GetAwaiter().GetResult() with
        | Ok db -> db
        | Error e -> failwithf "cannot connect: %s" (DbError.describe e)

let applied = run (Migrations.apply db)
let timepoints = Timepoints.store db
let logs = Logs.store db
let images = Images.store db
let jobs = Jobs.store db (JobSignal())

let point text =
    match Temporal.parse text with
    | Ok p -> Some p
    | Error e -> failwithf "fixture date %s: %A" text e

let insert query slug (configure: Timepoint -> Timepoint) =
    Timepoint.pending (Guid.NewGuid()) query slug true (DateTimeOffset.UtcNow)
    |> configure
    |> timepoints.Insert
    |> run

let declaration =
    insert "Signing of the Declaration of Independence" "signing-of-the-declaration-1776" (fun t -> {
        t with
            Status = TimepointStatus.Completed
            Point = point "July 4, 1776"
            Location = Some "Pennsylvania State House, Philadelphia"
            HasImage = true
    })

let nextDay =
    insert "Philadelphia, the day after" "philadelphia-1776" (fun t -> {
        t with
            Status = TimepointStatus.Completed
            Point = point "July 5, 1776"
            Location = Some "Philadelphia"
    })

let ides =
    insert "Ides of March" "ides-of-march-44-bce" (fun t -> {
        t with
            Status = TimepointStatus.Failed
            Point = point "March 15, 44 BCE"
            Error =
                Some {
                    Kind = FailureKind.Rejected
                    ProviderKind = None
                    Step = Some Step.Judge
                    Message = "The query names no moment: 'café' ünïcode and 'quotes' survive"
                    SuggestedQuery = Some "Assassination of Julius Caesar"
                }
    })

let repeated = insert "Signing of the Declaration of Independence" "signing-of-the-declaration-1776" id

run (timepoints.LinkParent nextDay.Id declaration.Id) |> ignore

for t in [ declaration; nextDay; ides ] do
    for step in [ Step.Judge; Step.Timeline; Step.Scene ] do
        let entry = {
            StepRecord.started DateTimeOffset.MinValue step with
                Status = StepStatus.Completed
                Model = Some "timepoint-offline-2"
                Provider = Some "offline"
                LatencyMs = Some 12L
                Usage = Some { Input = 321; Output = 123 }
                Attempts = Some 1
        }

        run (logs.Append t.Id entry) |> ignore

let rejected =
    StepRecord.failed DateTimeOffset.MinValue Step.Judge (GenerationFailure.Rejected("rejected", None))

run (logs.Append ides.Id rejected) |> ignore

let bytes = Array.init 4096 (fun i -> byte ((i * 31 + 7) % 256))
run (images.Put declaration.Id bytes "image/png") |> ignore
run (images.Put nextDay.Id [| 0uy; 255uy; 0uy; 10uy; 13uy |] "image/svg+xml") |> ignore

let job kind = {
    Kind = kind
    Payload = """{"query": "Moon landing", "generate_image": false}"""
    MaxAttempts = 3
}

let _pending, _queued =
    run (jobs.EnqueueGeneration (Timepoint.pending (Guid.NewGuid()) "Moon landing" "moon-landing" false DateTimeOffset.UtcNow) (job JobKind.Generate))

run (jobs.Enqueue declaration.Id (job JobKind.Navigate)) |> ignore
// One job claimed, so lease and worker columns are filled too.
run (jobs.Claim "fixture-worker" (TimeSpan.FromMinutes 5.0)) |> ignore

printfn "migrations applied: %d; timepoints: %s" applied (String.Join(", ", [ declaration.Slug; nextDay.Slug; ides.Slug; repeated.Slug ]))
(db :> IDisposable).Dispose()
