/// The seeding tool of the scale benchmark: writes N varied scenes through the stores, quickly.
module TimepointFlash.Bench.Seed

open System
open System.Diagnostics
open System.Threading
open System.Threading.Tasks
open TimepointFlash
open TimepointFlash.Persistence
open TimepointFlash.Runtime

let private events = [|
    "signing of the treaty"
    "coronation"
    "great fire"
    "market day"
    "harvest festival"
    "siege"
    "first printing press demonstration"
    "opening of the bridge"
    "plague quarantine"
    "royal wedding"
    "solar eclipse"
    "founding of the university"
    "naval battle"
    "election night"
    "launch of the steamship"
    "stock exchange panic"
    "cathedral consecration"
    "peace conference"
    "flood"
    "world's fair opening"
|]

let private places = [|
    "Paris"
    "Kyoto"
    "Alexandria"
    "Tenochtitlan"
    "Constantinople"
    "Timbuktu"
    "Philadelphia"
    "Venice"
    "Samarkand"
    "Cuzco"
    "München"
    "São Paulo"
    "Kraków"
    "Athens"
    "Beijing"
    "Lagos"
    "Edinburgh"
    "Isfahan"
    "Montréal"
    "Göteborg"
|]

/// The i-th query of the seeded library: an event, a place and a year, varied so that no two are equal and each
/// word (event, place) is shared by about one row in twenty.
let query (i: int) =
    let e = events[i % events.Length]
    let p = places[(i / events.Length + i) % places.Length]
    let year = 1000 + (i * 7919) % 1000
    $"{e} in {p}, {year} (#{i})", p

/// What seeding took.
type Seeded = {
    /// The ids of the rows added.
    Ids: Guid list
    Generated: int
    Seconds: float
}

/// Scenes the offline engine generates for distinct queries, stored as real generations; the rest are copies.
let poolSize = 100

/// Adds rows `from` .. `until - 1` to the database: the first `poolSize` rows of a library are full offline-engine
/// generations (Generation.runNow); every other row is a generated scene copied under a new id, query, place,
/// slug and time, inserted with its wire bytes rendered, `batch` rows to a transaction.
let run (databaseUrl: string) (from: int) (until: int) (batch: int) = task {
    let env = Runtime.environment ()

    let lookup name =
        match name with
        | "DATABASE_URL" -> Some databaseUrl
        | _ -> env name

    let services =
        match Config.read lookup with
        | Error e -> failwith (ConfigError.describe e)
        | Ok config ->
            match (Runtime.startWith config None ignore (fun _ -> Task.CompletedTask)).Result with
            | Ok s -> s
            | Error e -> failwith (Runtime.describe e)

    try
        let clock = Stopwatch.StartNew()
        let store = Timepoints.store services.Database

        // The pool: the first rows of the library are real generations; later tiers read them back.
        let mutable generated = 0

        for i in from .. min (poolSize - 1) (until - 1) do
            let q, _ = query i

            let! _ = Generation.runNow services.App (fun _ -> Task.CompletedTask) q false CancellationToken.None

            generated <- generated + 1

        let! first =
            store.ListSummaries {
                Page = 1
                PageSize = poolSize
                Status = Some TimepointStatus.Completed
                Search = None
                After = None
            }

        let ids =
            match first with
            | Ok page -> page.Items |> List.map _.Id
            | Error e -> failwith (DbError.describe e)

        let added = ResizeArray(if from = 0 then ids else [])

        let! pool = task {
            let found = ResizeArray()

            for id in ids do
                match! store.TryGet id with
                | Ok(Some t) -> found.Add t
                | _ -> ()

            return found.ToArray()
        }

        if pool.Length = 0 then
            failwith "seed: the offline engine stored no scene"

        let start = DateTimeOffset.UtcNow.AddDays -30.0

        let copy (i: int) =
            let source = pool[i % pool.Length]
            let q, place = query i
            let at = Timestamp.normalise (start.AddSeconds(float i))

            {
                source with
                    Id = Guid.NewGuid()
                    Query = q
                    Location = Some place
                    Slug = Slug.withSuffix (Slug.ofText q (Timepoint.year source)) (string i)
                    ParentId = None
                    HasImage = false
                    CreatedAt = at
                    UpdatedAt = at
            }

        let copies = [| max from poolSize .. until - 1 |]

        for chunk in Array.chunkBySize batch copies do
            let! written =
                Db.transact services.Database (fun s -> task {
                    let mutable failed = None

                    for i in chunk do
                        if failed.IsNone then
                            match! Timepoints.insertIn s (copy i) with
                            | Error e -> failed <- Some e
                            | Ok t ->
                                added.Add t.Id

                                match! WireRows.refreshIn s (WireRows.Key.Id t.Id) with
                                | Error e -> failed <- Some e
                                | Ok _ -> ()

                    return
                        match failed with
                        | Some e -> Error e
                        | None -> Ok()
                })

            match written with
            | Ok() -> ()
            | Error e -> failwith $"seed: {DbError.describe e}"

        return {
            Ids = List.ofSeq added
            Generated = generated
            Seconds = clock.Elapsed.TotalSeconds
        }
    finally
        services.Dispose()
}
