/// The read path: the rendered-timepoint cache, entity tags, and which requests get a request-log line.
module TimepointFlash.Tests.ApiReadCache

open System
open System.Net
open System.Net.Http
open Expecto
open FsCheck
open FsCheck.FSharp
open TimepointFlash
open TimepointFlash.Api
open TimepointFlash.Runtime
open TimepointFlash.Tests.Support.ApiHost

/// Entity tags as the service makes them: quoted lower-case hex.
type ETagArbitraries =
    static member Tag() =
        Gen.choose (1, 32)
        |> Gen.bind (fun n -> Gen.arrayOfLength n (Gen.elements [| '0' .. '9' |] |> Gen.map id))
        |> Gen.map (fun cs -> ETag("\"" + String cs + "\""))
        |> Arb.fromGen

and ETag = ETag of string

let private config = {
    FsCheckConfig.defaultConfig with
        arbitrary = [ typeof<ETagArbitraries> ]
        maxTest = 300
}

let private rendered (text: string) =
    let bytes = Text.Encoding.UTF8.GetBytes text

    {
        Bytes = bytes
        ETag = ReadCache.etagOf bytes
    }

let private second = Diagnostics.Stopwatch.Frequency

/// A budget no test here reaches.
let private budget = 1_000_000L

/// A body of the given size.
let private sized (n: int) =
    let bytes = Array.create n (byte 'x')

    {
        Bytes = bytes
        ETag = ReadCache.etagOf bytes
    }

let cache =
    testList "read cache" [
        test "an entry is served until its lifetime ends, and full and summary are separate entries" {
            let mutable now = 0L
            let c = ReadCache.create (TimeSpan.FromSeconds 5.0) budget (fun () -> now)
            let id = Guid.NewGuid()
            let b = rendered "{}"
            c.Put id true (c.Epoch()) b
            Expect.equal (c.TryGet id true) (Some b) "served"
            Expect.equal (c.TryGet id false) None "the summary is another entry"
            now <- 5L * second - 1L
            Expect.equal (c.TryGet id true) (Some b) "still fresh just before five seconds"
            now <- 5L * second
            Expect.equal (c.TryGet id true) None "expired at five seconds"
        }

        test "a lifetime of zero caches nothing" {
            let c = ReadCache.create TimeSpan.Zero budget (fun () -> 0L)
            let id = Guid.NewGuid()
            c.Put id true (c.Epoch()) (rendered "{}")
            Expect.equal (c.TryGet id true) None "off"
        }

        test "a body loaded before an invalidation is not kept" {
            let c = ReadCache.create (TimeSpan.FromSeconds 5.0) budget (fun () -> 0L)
            let id = Guid.NewGuid()
            let loadedAt = c.Epoch()
            c.Forget(Guid.NewGuid())
            c.Put id true loadedAt (rendered "{}")
            Expect.equal (c.TryGet id true) None "dropped: it may predate the change"
            let later = c.Epoch()
            c.Clear()
            c.Put id true later (rendered "{}")
            Expect.equal (c.TryGet id true) None "dropped after a clear as well"
        }

        test "forget drops both forms of one timepoint and clear drops everything" {
            let c = ReadCache.create (TimeSpan.FromSeconds 5.0) budget (fun () -> 0L)
            let a, b = Guid.NewGuid(), Guid.NewGuid()

            for id in [ a; b ] do
                for full in [ true; false ] do
                    c.Put id full (c.Epoch()) (rendered "{}")

            c.Forget a
            Expect.equal (c.TryGet a true, c.TryGet a false) (None, None) "a forgotten"
            Expect.isSome (c.TryGet b true) "b kept"
            c.Clear()
            Expect.isNone (c.TryGet b true) "cleared"
        }

        test "a full cache makes room for a new entry and keeps most of what it held" {
            let c = ReadCache.create (TimeSpan.FromSeconds 5.0) 8_000L (fun () -> 0L)
            let ids = List.init 100 (fun _ -> Guid.NewGuid())

            for id in ids do
                c.Put id true (c.Epoch()) (sized 100)

            let kept = ids |> List.filter (fun id -> (c.TryGet id true).IsSome)
            Expect.isSome (c.TryGet (List.last ids) true) "the newest is kept"
            Expect.isLessThanOrEqual kept.Length 80 "80 bodies of 100 bytes fill 8,000 bytes"
            Expect.isGreaterThanOrEqual kept.Length 60 "an eighth is freed at a time, not everything"
        }

        test "expired entries make room before fresh ones, and a body larger than the budget is not kept" {
            let mutable now = 0L
            let c = ReadCache.create (TimeSpan.FromSeconds 5.0) 1_000L (fun () -> now)
            let old, fresh, next = Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()
            c.Put old true (c.Epoch()) (sized 400)
            now <- 3L * second
            c.Put fresh true (c.Epoch()) (sized 400)
            now <- 6L * second
            c.Put next true (c.Epoch()) (sized 400)
            Expect.isSome (c.TryGet fresh true) "the unexpired entry stays"
            Expect.isSome (c.TryGet next true) "the new one is kept"
            c.Put (Guid.NewGuid()) true (c.Epoch()) (sized 1_001)
            Expect.isSome (c.TryGet fresh true) "an oversized body evicts nothing"
        }

        testPropertyWithConfig config "whatever is put, the bodies held stay within the budget"
        <| fun (sizes: PositiveInt list) (repeats: bool list) ->
            let c = ReadCache.create (TimeSpan.FromSeconds 5.0) 2_000L (fun () -> 0L)
            let ids = Collections.Generic.List<Guid>()

            for i, size in List.indexed sizes do
                let repeat = List.tryItem i repeats |> Option.defaultValue false

                let id =
                    if repeat && ids.Count > 0 then
                        ids[size.Get % ids.Count]
                    else
                        Guid.NewGuid()

                ids.Add id
                c.Put id (size.Get % 2 = 0) (c.Epoch()) (sized (size.Get % 3_000))

            let held =
                ids
                |> Seq.distinct
                |> Seq.sumBy (fun id ->
                    [ true; false ]
                    |> List.sumBy (fun full -> c.TryGet id full |> Option.map _.Bytes.Length |> Option.defaultValue 0))

            held <= 2_000

        test "only finished timepoints are cacheable" {
            let cacheable =
                [
                    TimepointStatus.Pending
                    TimepointStatus.Processing
                    TimepointStatus.Completed
                    TimepointStatus.Failed
                ]
                |> List.filter ReadCache.cacheable

            Expect.equal cacheable [ TimepointStatus.Completed; TimepointStatus.Failed ] "finished only"
        }

        test "entity tags are quoted hex, stable, and differ for different bodies" {
            let a = ReadCache.etagOf "{\"a\":1}"B
            Expect.equal a (ReadCache.etagOf "{\"a\":1}"B) "stable"
            Expect.notEqual a (ReadCache.etagOf "{\"a\":2}"B) "different bodies"
            Expect.isMatch a "^\"[0-9a-f]{32}\"$" "quoted hex"
        }

        testPropertyWithConfig config "If-None-Match matches exactly when it lists the tag, strong or weak, or is *"
        <| fun (ETag tag) (others: ETag list) (weak: bool) (position: NonNegativeInt) ->
            let others = others |> List.map (fun (ETag t) -> t) |> List.filter ((<>) tag)
            let listed = if weak then "W/" + tag else tag
            let at = position.Get % (others.Length + 1)
            let withTag = List.insertAt at listed others
            let header (tags: string list) = String.Join(", ", tags)

            Http.matchesETag (header withTag) tag
            && (others.IsEmpty || not (Http.matchesETag (header others) tag))
            && Http.matchesETag "*" tag
    ]

let requestLog =
    testList "request log" [
        test "notable logs writes, errors and slow requests, never successful fast reads" {
            let notable = Middleware.records RequestLog.Notable
            Expect.isFalse (notable "/api/v1/timepoints/x" "GET" 200 3.0) "a fast read"
            Expect.isFalse (notable "/" "HEAD" 304 3.0) "a revalidation"
            Expect.isTrue (notable "/api/v1/timepoints/x" "GET" 404 3.0) "a 404"
            Expect.isTrue (notable "/api/v1/timepoints/generate" "POST" 200 3.0) "a write"
            Expect.isTrue (notable "/api/v1/timepoints/x" "DELETE" 200 3.0) "a delete"
            Expect.isTrue (notable "/api/v1/health" "GET" 503 3.0) "a 503"
            Expect.isTrue (notable "/api/v1/timepoints" "GET" 200 Middleware.slowMs) "a slow read"
        }

        test "all logs everything but metrics scrapes, off logs nothing" {
            Expect.isTrue (Middleware.records RequestLog.All "/health" "GET" 200 1.0) "all"
            Expect.isFalse (Middleware.records RequestLog.All "/metrics" "GET" 200 1.0) "never scrapes"
            Expect.isFalse (Middleware.records RequestLog.Off "/api/v1/x" "POST" 500 5000.0) "off"
        }

        test "REQUEST_LOG defaults to all in development and notable elsewhere, and refuses other values" {
            let read (vars: (string * string) list) =
                Config.read (Map.ofList (("DATABASE_URL", "sqlite:///x.db") :: vars)).TryFind

            let policy vars =
                read vars |> Result.map _.RequestLog |> Result.mapError ConfigError.describe

            Expect.equal (policy []) (Ok RequestLog.All) "development"
            Expect.equal (policy [ "ENVIRONMENT", "production" ]) (Ok RequestLog.Notable) "production"
            Expect.equal (policy [ "ENVIRONMENT", "staging" ]) (Ok RequestLog.Notable) "staging"
            Expect.equal (policy [ "ENVIRONMENT", "production"; "REQUEST_LOG", "ALL" ]) (Ok RequestLog.All) "explicit"

            Expect.equal
                (policy [ "REQUEST_LOG", "verbose" ])
                (Error "REQUEST_LOG: must be one of all, notable, off, got 'verbose'")
                "bad value"

            Expect.equal
                (read [ "READ_CACHE_SECONDS", "-1" ]
                 |> Result.mapError ConfigError.describe
                 |> Result.map ignore)
                (Error "READ_CACHE_SECONDS: must be between 0 and 3600, got -1")
                "bad cache lifetime"

            Expect.equal (read [] |> Result.map _.ReadCacheSeconds) (Ok 5) "five seconds by default"
            Expect.equal (read [] |> Result.map _.ReadCacheMegabytes) (Ok 64) "64 MB by default"
        }
    ]

let private generate (api: TestApi) (query: string) = task {
    let! resp = postJson api.Client "/api/v1/timepoints/generate/sync" $"""{{"query": "{query}"}}"""
    Expect.equal resp.StatusCode HttpStatusCode.OK "sync 200"
    return! body resp
}

let private get (api: TestApi) (path: string) (ifNoneMatch: string option) = task {
    use request = new HttpRequestMessage(HttpMethod.Get, path)

    ifNoneMatch
    |> Option.iter (fun t -> request.Headers.TryAddWithoutValidation("If-None-Match", t) |> ignore)

    let! resp = api.Client.SendAsync request
    let! text = resp.Content.ReadAsStringAsync()
    let etag = resp.Headers.ETag |> Option.ofObj |> Option.map string
    return int resp.StatusCode, etag, text
}

let api =
    testList "GET by id" [
        testTask "repeated reads answer the same bytes and entity tag, and If-None-Match gets 304" {
            let! api = startWith [ "READ_CACHE_SECONDS", "60" ] None

            try
                let! t = generate api "rome 50 BCE"
                let path = $"""/api/v1/timepoints/{str t "id"}"""
                let! status, etag, first = get api path None
                Expect.equal status 200 "200"
                Expect.isSome etag "has an ETag"
                let! _, etag2, second = get api path None
                Expect.equal (etag2, second) (etag, first) "the cached answer is the same"
                let! notModified, _, empty = get api path etag
                Expect.equal (notModified, empty) (304, "") "304 without a body"
                let! changed, _, _ = get api path (Some "\"0000\"")
                Expect.equal changed 200 "another tag gets the body"
                let! _, summaryTag, summary = get api (path + "?full=false") None
                Expect.notEqual summaryTag etag "the summary has its own tag"
                Expect.stringContains summary "\"characters\":null" "and its own body"
            finally
                (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
        }

        testTask "a cached timepoint and its cached child see a delete at once" {
            let! api = startWith [ "READ_CACHE_SECONDS", "3600" ] None

            try
                let! t = generate api "assassination of julius caesar"
                let id = str t "id"
                let! nav = postJson api.Client $"/api/v1/temporal/{id}/next" """{"units": 1, "unit": "day"}"""
                let! n = body nav
                let childPath = $"""/api/v1/timepoints/{str n "target_id"}"""
                let! _, _, before = get api childPath None
                Expect.stringContains before $"\"parent_id\":\"{id}\"" "the child names its parent"
                let! _, _, _ = get api $"/api/v1/timepoints/{id}" None

                let! (deleted: HttpResponseMessage) =
                    api.Client.DeleteAsync($"/api/v1/timepoints/{id}?permanent=true": string)

                Expect.equal deleted.StatusCode HttpStatusCode.OK "deleted"
                let! gone, _, _ = get api $"/api/v1/timepoints/{id}" None
                Expect.equal gone 404 "the deleted timepoint is gone, not served from memory"
                let! _, _, after = get api childPath None
                Expect.stringContains after "\"parent_id\":null" "the child no longer names it"
            finally
                (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
        }
    ]

let tests = testList "ApiReadCache" [ cache; requestLog; api ]
