/// The OpenAPI document as the contract: complete (every API route documented, every reference resolves), and
/// kept (answers, including each event of a stream, match it; the checker rejects what departs from it).
module TimepointFlash.Tests.ApiContract

open System
open System.IO
open System.Net
open System.Net.Http
open System.Text.Json
open System.Text.Json.Nodes
open Microsoft.AspNetCore.Http
open Microsoft.AspNetCore.Routing
open Microsoft.Extensions.DependencyInjection
open Expecto
open TimepointFlash.Api
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Support.ApiHost

let private withApi = Api.withApi

let private documentOf (api: TestApi) = task {
    let! text = api.Client.GetStringAsync DocRoutes.documentPath
    return Contract.ofText text
}

/// Every `$ref` string anywhere under a node.
let rec private refs (e: JsonElement) : string list =
    match e.ValueKind with
    | JsonValueKind.Object -> [
        for p in e.EnumerateObject() do
            if p.Name = "$ref" then
                p.Value.GetString()
            else
                yield! refs p.Value
      ]
    | JsonValueKind.Array -> [
        for x in e.EnumerateArray() do
            yield! refs x
      ]
    | _ -> []

/// A handler that answers every request with a fixed status and JSON body.
type private Canned(status: int, media: string, body: string) =
    inherit HttpMessageHandler()

    override _.SendAsync(_, _) =
        let resp = new HttpResponseMessage(enum<HttpStatusCode> status)
        resp.Content <- new StringContent(body, Text.Encoding.UTF8, media)
        Threading.Tasks.Task.FromResult resp

let private operations (doc: SpecValidator.SpecDocument) = [
    for path in doc.Root.GetProperty("paths").EnumerateObject() do
        for op in path.Value.EnumerateObject() do
            path.Name, op.Name, op.Value
]

let tests =
    testList "contract" [
        testCase "a nullable schema admits null beside its type, and a nullable reference becomes oneOf null or it"
        <| fun () ->
            let render s = (ApiSchema.render s).ToJsonString()

            Expect.equal
                (render (ApiSchema.nullable (ApiSchema.enum [ "a"; "b" ])))
                """{"type":["string","null"],"enum":["a","b",null]}"""
                "nullable enum"

            Expect.equal
                (render (ApiSchema.nullable (ApiSchema.ref "Timepoint")))
                """{"oneOf":[{"type":"null"},{"$ref":"#/components/schemas/Timepoint"}]}"""
                "nullable reference"

            Expect.equal
                (render (
                    ApiSchema.intRange 1L 365L
                    |> ApiSchema.withDefault "Units." (JsonValue.Create 1)
                ))
                """{"type":"integer","minimum":1,"maximum":365,"description":"Units.","default":1}"""
                "bounds and default"

        testTask "every named API endpoint is an operation of the document with a success answer and its errors" {
            do!
                withApi (fun api -> task {
                    let! doc = documentOf api
                    let ops = operations doc

                    let named =
                        api.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
                        |> Seq.choose (fun e ->
                            match
                                e.Metadata.GetMetadata<RouteClass>(), e.Metadata.GetMetadata<IEndpointNameMetadata>()
                            with
                            | c, n when not (isNull (box c)) && c.Surface = Surface.Api && not (isNull n) ->
                                Some n.EndpointName
                            | _ -> None)
                        |> Set.ofSeq

                    let ids =
                        ops
                        |> List.map (fun (_, _, op) -> op.GetProperty("operationId").GetString())
                        |> Set.ofList

                    Expect.equal ids named "one operation per named API endpoint"

                    for path, verb, op in ops do
                        let statuses =
                            op.GetProperty("responses").EnumerateObject() |> Seq.map _.Name |> Set.ofSeq

                        Expect.isTrue
                            (statuses |> Set.exists (fun s -> s.StartsWith "2"))
                            $"{verb} {path} documents a success answer"

                        Expect.contains statuses "500" $"{verb} {path} documents 500"

                        // Only the public probes (security: []) may have no 4xx answer.
                        if not (op.TryGetProperty("security") |> fst) then
                            Expect.isTrue
                                (statuses |> Set.exists (fun s -> s.StartsWith "4"))
                                $"{verb} {path} documents its 4xx answers"

                        Expect.isTrue (op.GetProperty("tags").GetArrayLength() = 1) $"{verb} {path} has a tag"

                        if op.TryGetProperty("requestBody") |> fst then
                            for s in [ "400"; "413"; "415"; "422" ] do
                                Expect.contains statuses s $"{verb} {path} documents {s} for its body"
                })
        }

        testTask "every reference in the document names a component schema" {
            do!
                withApi (fun api -> task {
                    let! doc = documentOf api
                    let all = refs doc.Root
                    Expect.isNonEmpty all "the document uses components"

                    for r in all |> List.distinct do
                        Expect.isTrue
                            (try
                                SpecValidator.resolve doc r |> ignore
                                true
                             with _ ->
                                 false)
                            $"{r} resolves"
                })
        }

        testTask "each event of a generation stream matches one of the documented event schemas" {
            do!
                withApi (fun api -> task {
                    let! doc = documentOf api

                    let! resp =
                        postJson
                            api.Client
                            "/api/v1/timepoints/generate/stream"
                            """{"query": "fall of the berlin wall", "generate_image": true}"""

                    Expect.equal resp.StatusCode HttpStatusCode.OK "200"
                    let! text = resp.Content.ReadAsStringAsync()

                    let events =
                        text.Split('\n')
                        |> Array.filter (fun l -> l.StartsWith "data: ")
                        |> Array.map (fun l -> l.Substring 6)

                    Expect.isGreaterThan events.Length 3 "several events"

                    let _, op =
                        (Contract.operationFor doc "POST" "/api/v1/timepoints/generate/stream").Value

                    let schema =
                        op
                            .GetProperty("responses")
                            .GetProperty("200")
                            .GetProperty("content")
                            .GetProperty("text/event-stream")
                            .GetProperty("schema")

                    for e in events do
                        use parsed = JsonDocument.Parse e
                        let problems = SpecValidator.violations doc "event" schema parsed.RootElement
                        Expect.isEmpty problems $"event {e} matches the document"

                    Expect.stringContains events[events.Length - 1] "\"event\":\"done\"" "ends with done"
                })
        }

        testTask "the checker rejects an undocumented status, an undocumented media type and a body that departs" {
            do!
                withApi (fun api -> task {
                    let! doc = documentOf api
                    let _, op = (Contract.operationFor doc "GET" "/api/v1/timepoints").Value
                    Expect.isNonEmpty (Contract.check doc op 418 "application/json" (Some "{}")) "418 undocumented"
                    Expect.isNonEmpty (Contract.check doc op 200 "text/plain" (Some "x")) "text/plain undocumented"

                    Expect.isNonEmpty
                        (Contract.check doc op 200 "application/json" (Some """{"items": 3, "total": 0}"""))
                        "items must be an array; page and page_size required"

                    Expect.isEmpty
                        (Contract.check
                            doc
                            op
                            200
                            "application/json"
                            (Some """{"items": [], "total": 0, "page": 1, "page_size": 20, "next_cursor": null}"""))
                        "a conforming page passes"

                    Expect.isNonEmpty
                        (Contract.check doc op 422 "application/problem+json" (Some """{"detail": "x"}"""))
                        "a problem without type, title, status and error departs"
                })
        }

        testTask "the test client fails a request whose answer departs from the document and passes one that keeps it" {
            do!
                withApi (fun api -> task {
                    let! doc = documentOf api

                    let client (status: int) (body: string) =
                        new HttpClient(
                            new Contract.ContractHandler(new Canned(status, "application/json", body), doc),
                            BaseAddress = Uri "http://localhost"
                        )

                    use bad = client 200 """{"status": "sideways"}"""

                    let! failed = task {
                        try
                            let! _ = bad.GetAsync "/health"
                            return None
                        with e ->
                            return Some e.Message
                    }

                    Expect.isSome failed "a departing answer fails the request"
                    Expect.stringContains failed.Value "departs from the OpenAPI document" "says why"

                    use good =
                        client 200 """{"status": "healthy", "version": "1", "database": true, "providers": {}}"""

                    let! ok = good.GetAsync "/health"
                    Expect.equal ok.StatusCode HttpStatusCode.OK "a conforming answer passes"
                    use unknown = client 200 "{}"
                    let! other = unknown.GetAsync "/not/in/the/document"
                    Expect.equal other.StatusCode HttpStatusCode.OK "undescribed paths pass unchecked"
                })
        }

        testTask "the health probes and the status report what the reference's clients read" {
            do!
                withApi (fun api -> task {
                    let! h = api.Client.GetAsync "/health"
                    let! hb = body h
                    Expect.equal (str hb "database") "true" "database flag"
                    Expect.isNotNull hb["providers"] "providers object"
                    let! deep = api.Client.GetAsync "/health/deep"
                    Expect.equal deep.StatusCode HttpStatusCode.OK "deep 200"
                    let! db = body deep
                    Expect.equal (str db "status") "healthy" "healthy with a database"
                    Expect.equal (str db "database") "true" "database checked"
                    let! st = api.Client.GetAsync "/api/v1/status"
                    let! sb = body st
                    Expect.equal (str sb "api_version") "v1" "api version"
                    Expect.equal (str sb "primary_provider") "offline" "offline engine"
                    Expect.equal (str sb["models"] "creative") "timepoint-offline-2" "the offline model"
                })
        }

        testTask "operations are found by literal segments first, then a parameter, then a slash-spanning model id" {
            do!
                withApi (fun api -> task {
                    let! doc = documentOf api

                    let template m p =
                        Contract.operationFor doc m p |> Option.map fst |> Option.defaultValue "none"

                    Expect.equal (template "GET" "/api/v1/models/free") "/api/v1/models/free" "literal wins"
                    Expect.equal (template "GET" "/api/v1/models/gpt-4o") "/api/v1/models/{model_id}" "one segment"

                    Expect.equal
                        (template "GET" "/api/v1/models/google/gemini-2.5-flash")
                        "/api/v1/models/{model_id}"
                        "slashes in the id"

                    Expect.equal
                        (template "GET" "/api/v1/timepoints/slug/abc")
                        "/api/v1/timepoints/slug/{slug}"
                        "slug route"

                    Expect.equal (template "PUT" "/api/v1/timepoints") "none" "undocumented method"
                })
        }
    ]
