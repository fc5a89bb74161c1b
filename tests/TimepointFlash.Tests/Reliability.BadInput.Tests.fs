/// Bad input at every endpoint: a fixed corpus of attacks and mistakes plus FsCheck-generated bodies and query
/// strings. Every answer is a 4xx problem (or a legitimate 2xx), never a 5xx; nothing is stored for a rejection.
module TimepointFlash.Tests.Reliability.BadInput

open System
open System.Net.Http
open System.Text
open System.Text.Json.Nodes
open System.Threading.Tasks
open Expecto
open FsCheck
open FsCheck.FSharp
open TimepointFlash.Tests.Support.ApiHost
open TimepointFlash.Tests.Reliability.Support

/// A JSON body that can never be a valid generation request (query missing, mistyped or out of range).
type BadGenerateBody = BadGenerateBody of string

/// A query string of arbitrary known and unknown parameters with hostile values.
type HostileQuery = HostileQuery of string

let private hostileText =
    Gen.oneof [
        Gen.elements [
            ""
            " "
            "0"
            "-1"
            "2147483648"
            "-9223372036854775809"
            "1e400"
            "NaN"
            "null"
            "true"
            "' OR 1=1 --"
            "\u0000"
            "\u001b[2J"
            "../../etc/passwd"
            "%00"
            "<script>"
            "\ud83d\ude00"
            "\u202e"
            String('z', 3000)
        ]
        Gen.choose (-1000, 1000) |> Gen.map string
        ArbMap.defaults
        |> ArbMap.generate<string>
        |> Gen.map (fun s -> if isNull s then "" else s)
    ]

let private jsonValue =
    let leaf =
        Gen.oneof [
            Gen.constant (JsonValue.Create(null: string) :> JsonNode)
            Gen.choose (-100000, 100000)
            |> Gen.map (fun i -> JsonValue.Create i :> JsonNode)
            Gen.elements [ true; false ]
            |> Gen.map (fun b -> JsonValue.Create b :> JsonNode)
            Gen.elements [ 1.5; -0.0; 1e300; -1e-300 ]
            |> Gen.map (fun d -> JsonValue.Create d :> JsonNode)
            hostileText |> Gen.map (fun s -> JsonValue.Create s :> JsonNode)
        ]

    Gen.sized (fun size ->
        let rec node depth =
            if depth <= 0 then
                leaf
            else
                Gen.frequency [
                    3, leaf
                    1,
                    Gen.listOfLength 3 (node (depth - 1))
                    |> Gen.map (fun xs -> JsonArray(Array.ofList xs) :> JsonNode)
                    1,
                    Gen.listOfLength 2 (Gen.zip (Gen.elements [ "a"; "query"; "units"; "$where" ]) (node (depth - 1)))
                    |> Gen.map (fun kvs ->
                        let o = JsonObject()

                        for k, v in kvs do
                            o[k] <- v

                        o :> JsonNode)
                ]

        node (min 3 (size / 10 + 1)))

let private badQueryValue =
    Gen.oneof [
        jsonValue
        |> Gen.filter (fun n -> isNull n || n.GetValueKind() <> Text.Json.JsonValueKind.String)
        Gen.elements [ ""; "a"; "ab"; "  x "; String('q', 501); String('w', 5000); "abc\u0000def" ]
        |> Gen.map (fun s -> JsonValue.Create s :> JsonNode)
    ]

/// Arbitraries passed through FsCheckConfig.arbitrary.
type Arbitraries =
    static member BadGenerateBody() =
        gen {
            let! query = Gen.optionOf badQueryValue

            let! extra =
                Gen.listOfLength 3 (Gen.zip (Gen.elements [ "generate_image"; "x"; "model"; "__proto__" ]) jsonValue)

            let o = JsonObject()

            for k, v in extra do
                o[k] <- (if isNull v then null else v.DeepClone())

            match query with
            | Some q -> o["query"] <- (if isNull q then null else q.DeepClone())
            | None -> ()

            return BadGenerateBody(o.ToJsonString())
        }
        |> Arb.fromGen

    static member HostileQuery() =
        gen {
            let! pairs =
                Gen.listOf (
                    Gen.zip
                        (Gen.elements [ "page"; "page_size"; "status"; "q"; "full"; "direction"; "limit"; "x" ])
                        hostileText
                )

            return
                pairs
                |> List.map (fun (k, v) -> k + "=" + Uri.EscapeDataString v)
                |> String.concat "&"
                |> HostileQuery
        }
        |> Arb.fromGen

let private config = {
    FsCheckConfig.defaultConfig with
        arbitrary = [ typeof<Arbitraries> ]
        maxTest = 60
}

/// One API shared by the generated cases of this module (its SQLite file is removed when the process exits).
let private shared =
    lazy
        (task {
            let! api = startWith [ "WEBHOOK_SECRET", "corpus-secret" ] None
            AppDomain.CurrentDomain.ProcessExit.Add(fun _ -> (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait())
            let! resp = postJson api.Client "/api/v1/timepoints/generate/sync" """{"query": "rome 50 BCE"}"""
            let! b = body resp
            return api, Guid.Parse(str b "id"), str b "slug"
        })

let private run (t: Task<'a>) = t.GetAwaiter().GetResult()

/// Runs cases that must all be rejected; returns the broken answers.
let private rejectAll (api: TestApi) (cases: Case list) = task {
    let problems = ResizeArray()

    for c in cases do
        let! resp = send api.Client c
        let! p = rejectionProblem c resp

        p |> Option.iter problems.Add

    return List.ofSeq problems
}

let private expectClean (problems: string list) =
    Expect.isEmpty problems (String.concat "\n" (List.truncate 20 problems))

let corpus =
    testList "corpus" [
        testTask "every request of the fixed corpus is a 4xx problem and stores nothing" {
            let api, id, slug = run shared.Value
            let cases = Corpus.all id slug
            Expect.isGreaterThanOrEqual cases.Length 150 "a corpus of at least 150 requests"
            let! before = countRows api
            let! problems = rejectAll api cases
            let! after = countRows api
            expectClean problems
            Expect.equal after before "no row was written for a rejected request"
            let! ok = healthy api
            Expect.isTrue ok "/health still answers"
        }

        testTask "a JSON number as the query is rejected, not read as its text (FsCheck counterexample)" {
            let (api: TestApi), _, _ = run shared.Value
            let! before = countRows api
            let json = """{"model":"-456","query":1E+300}"""

            let! problems =
                rejectAll api [
                    case "number query" "POST" "/api/v1/timepoints/generate" (Body.Json json)
                    case "number query" "POST" "/api/v1/timepoints/generate/sync" (Body.Json json)
                ]

            expectClean problems
            let! after = countRows api
            Expect.equal after before "nothing stored"
        }

        testTask "invalid UTF-8 bodies and lone surrogate escapes are problems, not 500s (regression)" {
            let (api: TestApi), id, _ = run shared.Value
            let! before = countRows api

            let bodies =
                Corpus.badJsonBodies
                |> List.filter (fun (name, _) -> name = "invalid UTF-8" || name = "lone surrogate escape")

            Expect.hasLength bodies 2 "both regression inputs are in the corpus"

            let! problems =
                rejectAll api [
                    for name, b in bodies do
                        for path in
                            [
                                "/api/v1/timepoints/generate"
                                "/api/v1/timepoints/generate/sync"
                                "/api/v1/timepoints/generate/stream"
                                $"/api/v1/temporal/{id}/next"
                            ] do
                            case name "POST" path b
                ]

            expectClean problems
            let! after = countRows api
            Expect.equal after before "nothing stored"
        }

        testTask "hostile-looking queries are generated, stored verbatim and never executed" {
            let (api: TestApi), _, _ = run shared.Value

            for q in Corpus.acceptedHostileQueries do
                let payload = JsonObject()
                payload["query"] <- q

                let! (resp: HttpResponseMessage) =
                    postJson api.Client "/api/v1/timepoints/generate/sync" (payload.ToJsonString())

                Expect.equal (int resp.StatusCode) 200 $"accepted: {q}"
                let! b = body resp
                let id = str b "id"
                let! stored = api.Client.GetAsync $"/api/v1/timepoints/{id}"
                let! s = body stored
                Expect.equal (str s "query") q "the stored query is the input, byte for byte"

            let! (counts: Map<string, int64>) = countRows api
            Expect.isGreaterThan counts["timepoints"] 0L "the timepoints table still exists and has rows"
            Expect.isGreaterThan counts["generation_logs"] 0L "the logs table still exists"
            let! ok = healthy api
            Expect.isTrue ok "/health still answers"
        }
    ]

let generated =
    testList "generated" [
        testPropertyWithConfig config "generated invalid generate bodies are 4xx problems that store nothing"
        <| fun (BadGenerateBody json) ->
            let api, _, _ = run shared.Value
            let before = run (countRows api)

            let cases = [
                for path in [ "generate"; "generate/sync"; "generate/stream" ] do
                    case json "POST" $"/api/v1/timepoints/{path}" (Body.Json json)
            ]

            expectClean (run (rejectAll api cases))
            Expect.equal (run (countRows api)) before "no rows for rejected bodies"

        testPropertyWithConfig config "generated navigation bodies never produce a 5xx"
        <| fun (BadGenerateBody json) ->
            let api, id, _ = run shared.Value

            for dir in [ "next"; "prior" ] do
                let c = case json "POST" $"/api/v1/temporal/{id}/{dir}" (Body.Json json)
                let resp = run (send api.Client c)
                Expect.isNone (run (answerProblem c resp)) json

        testPropertyWithConfig config "generated query strings never produce a 5xx on the read endpoints"
        <| fun (HostileQuery q) ->
            let api, id, slug = run shared.Value

            for path in
                [
                    "/api/v1/timepoints"
                    $"/api/v1/timepoints/{id}"
                    $"/api/v1/timepoints/slug/{slug}"
                    $"/api/v1/temporal/{id}/sequence"
                    "/api/v1/models"
                    "/"
                ] do
                let c = case q "GET" $"{path}?{q}" Body.None
                let resp = run (send api.Client c)
                Expect.isNone (run (answerProblem c resp)) $"{path}?{q}"
    ]

let tests = testSequenced (testList "BadInput" [ corpus; generated ])
