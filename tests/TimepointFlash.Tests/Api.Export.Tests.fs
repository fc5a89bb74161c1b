/// Export: the TDF record's canonical hash (a golden string, and the same hash whatever the property order) and
/// the JSON, Markdown and self-contained HTML downloads.
module TimepointFlash.Tests.ApiExport

open System.Net
open System.Text.Json.Nodes
open Expecto
open FsCheck
open FsCheck.FSharp
open TimepointFlash
open TimepointFlash.Tests.Support.ApiHost

let private withApi = Api.withApi

/// The same JSON with every object's properties in reverse order.
let rec private reversed (node: JsonNode) : JsonNode =
    match node with
    | :? JsonObject as o ->
        let copy = JsonObject()

        for kv in Seq.rev (List.ofSeq o) do
            copy[kv.Key] <- reversed kv.Value

        copy
    | :? JsonArray as a -> JsonArray(a |> Seq.map reversed |> Array.ofSeq)
    | null -> null
    | v -> v.DeepClone()

type private Scenes =
    static member Timepoint() =
        Arb.fromGen TimepointFlash.Tests.Persistence.Generators.timepoint

let private config = {
    FsCheckConfig.defaultConfig with
        maxTest = 100
        arbitrary = [ typeof<Scenes> ]
}

let private generate (api: TestApi) (query: string) (image: bool) = task {
    let json = JsonObject()
    json["query"] <- query
    json["generate_image"] <- image
    let! resp = postJson api.Client "/api/v1/timepoints/generate/sync" (json.ToJsonString())
    Expect.equal resp.StatusCode HttpStatusCode.OK "generated"
    return! body resp
}

let tests =
    testList "export" [
        test "canonical JSON sorts keys, uses Python's separators and escapes non-ASCII (golden)" {
            let node =
                JsonNode.Parse """{"b": [true, null, 1.5], "a": 1, "é": "ü\n\"", "c": {"z": "x", "y": -2}}"""

            Expect.equal
                (CanonicalJson.render node)
                """{"a": 1, "b": [true, null, 1.5], "c": {"y": -2, "z": "x"}, "\u00e9": "\u00fc\n\""}"""
                "canonical text"

            Expect.equal
                (CanonicalJson.sha256 "abc")
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
                "SHA-256 of abc"
        }

        testPropertyWithConfig config "the same scene has the same hash, whatever the order of its properties"
        <| fun (t: Timepoint) ->
            let payload = Tdf.payload t
            let h = CanonicalJson.hash payload

            h = CanonicalJson.hash (Tdf.payload t)
            && h = CanonicalJson.hash (reversed payload)
            && h.Length = 64

        testPropertyWithConfig config "a different query is a different hash"
        <| fun (t: Timepoint) ->
            CanonicalJson.hash (Tdf.payload t)
            <> CanonicalJson.hash (
                Tdf.payload {
                    t with
                        Query = t.Query + " (revised)"
                }
            )

        testTask "GET tdf answers the record whose hash is the canonical hash of its payload, stable across reads" {
            do!
                withApi (fun api -> task {
                    let! t = generate api "signing of the declaration of independence" false
                    let id = str t "id"
                    let! a = api.Client.GetAsync $"/api/v1/timepoints/{id}/tdf"
                    Expect.equal a.StatusCode HttpStatusCode.OK "200"
                    let! record = body a
                    Expect.equal (str record "source") "flash" "source"
                    Expect.equal (str record["provenance"] "flash_id") id "provenance"
                    Expect.equal (str record["payload"] "query") "signing of the declaration of independence" "payload"
                    Expect.equal (str record "tdf_hash") (CanonicalJson.hash record["payload"]) "hash of the payload"
                    let! again = api.Client.GetStringAsync $"/api/v1/timepoints/{id}/tdf"
                    Expect.equal (str (JsonNode.Parse again) "tdf_hash") (str record "tdf_hash") "stable"
                    let! missing = api.Client.GetAsync "/api/v1/timepoints/00000000-0000-4000-8000-000000000000/tdf"
                    Expect.equal missing.StatusCode HttpStatusCode.NotFound "404"
                })
        }

        testTask "export answers JSON, Markdown and escaped self-contained HTML as downloads; an unknown format is 422" {
            do!
                withApi (fun api -> task {
                    let query = "</script><script>alert('x')</script> apollo 11 moon landing 1969"
                    let! t = generate api query true
                    let id = str t "id"

                    let get (format: string) =
                        api.Client.GetAsync $"/api/v1/timepoints/{id}/export?format={format}"

                    let! json = get "json"
                    Expect.equal json.StatusCode HttpStatusCode.OK "json 200"
                    Expect.equal json.Content.Headers.ContentDisposition.DispositionType "attachment" "a download"
                    let! j = body json
                    Expect.equal (str j "id") id "the timepoint"

                    let! md = get "markdown"
                    Expect.equal md.Content.Headers.ContentType.MediaType "text/markdown" "markdown"
                    let! mdText = md.Content.ReadAsStringAsync()
                    Expect.stringStarts mdText "# " "a title"
                    Expect.isFalse (mdText.Contains "<script>") "markup escaped in Markdown"

                    let! html = get "html"
                    Expect.equal html.Content.Headers.ContentType.MediaType "text/html" "html"
                    let! page = html.Content.ReadAsStringAsync()
                    Expect.stringContains page "<h1>" "a page"
                    Expect.isFalse (page.Contains "<script>") "no script: the query is escaped"
                    Expect.stringContains page "&lt;script&gt;" "escaped text"

                    if str t "has_image" = "true" then
                        Expect.stringContains page "src=\"data:image/" "the image is inlined"
                        Expect.isFalse (page.Contains "/api/v1/timepoints/") "no link back to the server"

                    let slug = str t "slug"
                    let! scene = api.Client.GetStringAsync $"/t/{slug}"

                    for format in [ "json"; "markdown"; "html" ] do
                        Expect.stringContains
                            scene
                            $"/api/v1/timepoints/{id}/export?format={format}"
                            $"the scene page links the {format} download"

                    Expect.stringContains scene $"/api/v1/timepoints/{id}/tdf" "the scene page links the TDF record"

                    let! pdf = get "pdf"
                    Expect.equal (int pdf.StatusCode) 422 "unknown format"
                })
        }
    ]
