module TimepointFlash.Tests.Api

open System
open System.Net
open System.Net.Http
open System.Text
open System.Threading.Tasks
open Expecto
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Support.ApiHost

/// Runs a test against a fresh API and disposes it.
let withApi (f: TestApi -> Task<unit>) = task {
    let! api = start ()

    try
        do! f api
    finally
        (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
}

let expectProblem (resp: HttpResponseMessage) (status: int) = task {
    Expect.equal (int resp.StatusCode) status $"status {status}"
    let ct = resp.Content.Headers.ContentType
    Expect.isNotNull ct "content type"
    Expect.equal ct.MediaType "application/problem+json" "problem json"
    let! b = body resp
    Expect.isFalse (String.IsNullOrWhiteSpace(str b "detail")) "has a detail"
    Expect.equal (str b "error") (str b "detail") "error repeats the detail"
    return b
}

let private generateSync (api: TestApi) (query: string) = task {
    let! resp = postJson api.Client "/api/v1/timepoints/generate/sync" $"""{{"query": "{query}"}}"""
    Expect.equal resp.StatusCode HttpStatusCode.OK "sync 200"
    return! body resp
}

let health =
    testList "health" [
        testTask "GET /health answers healthy with the version, without I/O" {
            do!
                withApi (fun api -> task {
                    let! resp = api.Client.GetAsync "/health"
                    let! b = body resp
                    Expect.equal (str b "status") "healthy" "healthy"
                    Expect.equal (str b "version") "2.0.0" "version"
                })
        }

        testTask "the host's content root is the application folder, not the working directory SQLite writes in" {
            do!
                withApi (fun api -> task {
                    let root =
                        api.App.Environment.ContentRootPath.TrimEnd(IO.Path.DirectorySeparatorChar)

                    Expect.equal root (AppContext.BaseDirectory.TrimEnd(IO.Path.DirectorySeparatorChar)) "app folder"
                })
        }

        testTask "GET /api/v1/health reports the database and the offline engine" {
            do!
                withApi (fun api -> task {
                    let! resp = api.Client.GetAsync "/api/v1/health"
                    Expect.equal resp.StatusCode HttpStatusCode.OK "ready"
                    let! b = body resp
                    Expect.equal (str b "database") "true" "database up"
                    Expect.equal (str b "engine") "offline" "offline engine"
                    Expect.isNotNull b["providers"] "providers described"
                })
        }

        testTask "the OpenAPI document names and tags every endpoint" {
            do!
                withApi (fun api -> task {
                    let! resp = api.Client.GetAsync "/openapi/v1.json"
                    Expect.equal resp.StatusCode HttpStatusCode.OK "served"
                    let! text = resp.Content.ReadAsStringAsync()

                    for op in
                        [
                            "GenerateBackground"
                            "GenerateSync"
                            "GenerateStream"
                            "ListTimepoints"
                            "GetTimepoint"
                            "GetTimepointBySlug"
                            "GetTimepointImage"
                            "FollowTimepoint"
                            "DeleteTimepoint"
                            "NavigateNext"
                            "NavigatePrior"
                            "Sequence"
                            "ListModels"
                            "ListProviders"
                            "ListFreeModels"
                            "GetModel"
                            "Health"
                            "Readiness"
                        ] do
                        Expect.stringContains text $"\"operationId\": \"{op}\"" $"{op} documented"

                    for tag in [ "Timepoints"; "Temporal"; "Models"; "System" ] do
                        Expect.stringContains text $"\"{tag}\"" $"tag {tag}"
                })
        }

        testTask "the documentation routes answer 200 with their content types, pages with the docs policy" {
            do!
                withApi (fun api -> task {
                    for path, media, page in
                        [
                            "/openapi/v1.json", "application/json", false
                            "/openapi.json", "application/json", false
                            "/docs/index.html", "text/html", true
                            "/docs/index.js", "application/javascript", true
                            "/redoc/index.html", "text/html", true
                            "/scalar/", "text/html", true
                        ] do
                        let! resp = api.Client.GetAsync path
                        Expect.equal resp.StatusCode HttpStatusCode.OK $"{path} 200"
                        Expect.equal resp.Content.Headers.ContentType.MediaType media $"{path} {media}"
                        let csp = String.Join(";", resp.Headers.GetValues "Content-Security-Policy")
                        Expect.equal (csp.Contains "'unsafe-inline'") page $"{path} docs policy only on pages"

                    for path in [ "/docs"; "/redoc"; "/scalar" ] do
                        let! resp = api.Client.GetAsync path
                        Expect.isTrue (int resp.StatusCode / 100 = 3) $"{path} redirects to its page"
                        let target = Uri(Uri(api.Client.BaseAddress, path), resp.Headers.Location)
                        Expect.stringStarts target.AbsolutePath $"{path}/" $"{path} stays under its prefix"
                        let! page = api.Client.GetAsync target
                        Expect.equal page.StatusCode HttpStatusCode.OK $"{path} page 200"

                    let! swagger = api.Client.GetStringAsync "/docs/index.js"
                    Expect.stringContains swagger "openapi/v1.json" "Swagger UI reads our document"
                    let! redoc = api.Client.GetStringAsync "/redoc/index.js"
                    Expect.stringContains redoc "openapi/v1.json" "ReDoc reads our document"
                    let! doc = api.Client.GetStringAsync "/openapi.json"
                    let! v1 = api.Client.GetStringAsync "/openapi/v1.json"
                    Expect.equal doc v1 "one document at both paths"
                    let! home = api.Client.GetAsync "/"
                    let homeCsp = String.Join(";", home.Headers.GetValues "Content-Security-Policy")
                    Expect.isFalse (homeCsp.Contains "'unsafe-inline'") "pages keep the strict policy"
                })
        }
    ]

let generation =
    testList "generation" [
        testTask "sync generation returns the full saved timepoint" {
            do!
                withApi (fun api -> task {
                    let! t = generateSync api "signing of the declaration of independence"
                    Expect.equal (str t "status") "completed" "completed"
                    Expect.equal (str t "year") "1776" "1776"
                    Expect.equal (str t "month") "7" "July"
                    Expect.equal (str t "day") "4" "4th"
                    Expect.stringContains (str t "location") "Philadelphia" "Philadelphia"
                    let cast = (t["characters"]["characters"]).AsArray()
                    Expect.isTrue (cast.Count >= 1 && cast.Count <= 8) "1-8 characters"
                    let names = cast |> Seq.map (fun c -> str c "name") |> Set.ofSeq
                    let dialog = t["dialog"].AsArray()
                    Expect.isTrue (dialog.Count >= 1 && dialog.Count <= 7) "1-7 lines"

                    for l in dialog do
                        Expect.contains names (str l "speaker") "speakers are present"

                    let! byId = api.Client.GetAsync($"""/api/v1/timepoints/{str t "id"}""")
                    Expect.equal byId.StatusCode HttpStatusCode.OK "fetchable by id"
                    let! bySlug = api.Client.GetAsync($"""/api/v1/timepoints/slug/{str t "slug"}""")
                    Expect.equal bySlug.StatusCode HttpStatusCode.OK "fetchable by slug"
                })
        }

        testTask "a rejected query is stored as failed with the reason and a suggested query" {
            do!
                withApi (fun api -> task {
                    let! t = generateSync api "how do I bake bread"
                    Expect.equal (str t "status") "failed" "failed"
                    Expect.isFalse (String.IsNullOrWhiteSpace(str t "error")) "reason"
                    Expect.isFalse (String.IsNullOrWhiteSpace(str t "suggested_query")) "suggestion"
                    Expect.equal (str t "error_step") "judge" "judge step"
                    Expect.equal (str t "error_kind") "rejected" "a rejection, by kind"
                })
        }

        testTask "the same query twice gets two distinct slugs" {
            do!
                withApi (fun api -> task {
                    let! a = generateSync api "rome 50 BCE"
                    let! b = generateSync api "rome 50 BCE"
                    Expect.equal (str a "year") "-50" "year -50"
                    Expect.notEqual (str a "slug") (str b "slug") "unique slugs"
                })
        }

        testTask "background generation is durable and followable through its events" {
            do!
                withApi (fun api -> task {
                    let! resp =
                        postJson api.Client "/api/v1/timepoints/generate" """{"query": "fall of the berlin wall"}"""

                    Expect.equal resp.StatusCode HttpStatusCode.OK "accepted"
                    let! b = body resp
                    Expect.equal (str b "status") "processing" "processing"
                    let id = str b "id"
                    let! events = api.Client.GetStringAsync($"/api/v1/timepoints/{id}/events")
                    Expect.stringContains events "\"event\":\"start\"" "start"
                    Expect.stringContains events "\"event\":\"step_complete\",\"step\":\"judge\"" "judge replayed"
                    Expect.stringContains events "\"event\":\"done\"" "done"
                    let! t = api.Client.GetStringAsync($"/api/v1/timepoints/{id}")
                    Expect.stringContains t "\"status\":\"completed\"" "completed"
                })
        }

        testTask "the SSE stream reports each step live and ends with done after saving" {
            do!
                withApi (fun api -> task {
                    let! resp =
                        postJson
                            api.Client
                            "/api/v1/timepoints/generate/stream"
                            """{"query": "assassination of julius caesar"}"""

                    Expect.equal resp.StatusCode HttpStatusCode.OK "200"
                    Expect.equal resp.Content.Headers.ContentType.MediaType "text/event-stream" "event stream"
                    let! text = resp.Content.ReadAsStringAsync()

                    let messages =
                        text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
                        |> Array.filter (fun m -> m.StartsWith "data: ")
                        |> Array.map (fun m -> Text.Json.Nodes.JsonNode.Parse(m.Substring 6))

                    Expect.equal (str messages[0] "event") "start" "start first"
                    let last = Array.last messages
                    Expect.equal (str last "event") "done" "done last"
                    let progress = messages |> Array.map (fun m -> int (str m "progress"))
                    Expect.equal progress (Array.sort progress) "progress never decreases"

                    let steps =
                        messages
                        |> Array.filter (fun m -> str m "event" = "step_complete")
                        |> Array.map (fun m -> str m "step")

                    Expect.equal steps.Length 11 "eleven steps, grounding and the critique among them"
                    let id = str last["data"] "timepoint_id"
                    let! saved = api.Client.GetStringAsync($"/api/v1/timepoints/{id}")
                    Expect.stringContains saved "\"year\":-44" "saved with its year"

                    let stepFrames (t: string) =
                        t.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
                        |> Array.filter (fun m -> m.StartsWith "data: {\"event\":\"step_")

                    let! replay = api.Client.GetStringAsync($"/api/v1/timepoints/{id}/events")

                    Expect.equal
                        (stepFrames replay)
                        (stepFrames text)
                        "the replay sends the live stream's step payloads"
                })
        }

        testTask "an image request stores the engine's scene card" {
            do!
                withApi (fun api -> task {
                    let! resp =
                        postJson
                            api.Client
                            "/api/v1/timepoints/generate/sync"
                            """{"query": "moon landing 1969", "generate_image": true}"""

                    let! t = body resp
                    Expect.equal (str t "image_url") $"""/api/v1/timepoints/{str t "id"}/image""" "image url"
                    let! img = api.Client.GetAsync(str t "image_url")
                    Expect.equal img.StatusCode HttpStatusCode.OK "image served"
                    Expect.stringStarts img.Content.Headers.ContentType.MediaType "image/" "image content type"
                })
        }
    ]

let reading =
    testList "reading" [
        testTask "listing has a correct total, pages and a status filter" {
            do!
                withApi (fun api -> task {
                    for q in [ "rome 50 BCE"; "moon landing 1969"; "how do I bake bread" ] do
                        let! _ = generateSync api q
                        ()

                    let! all = api.Client.GetStringAsync "/api/v1/timepoints?page=1&page_size=2"
                    let b = Text.Json.Nodes.JsonNode.Parse all
                    Expect.equal (str b "total") "3" "total 3"
                    Expect.equal (b["items"].AsArray().Count) 2 "two on page 1"
                    let! page2 = api.Client.GetStringAsync "/api/v1/timepoints?page=2&page_size=2"
                    let p2 = Text.Json.Nodes.JsonNode.Parse page2
                    Expect.equal (p2["items"].AsArray().Count) 1 "one on page 2"
                    let! failed = api.Client.GetStringAsync "/api/v1/timepoints?status=failed"
                    Expect.equal (str (Text.Json.Nodes.JsonNode.Parse failed) "total") "1" "one failed"
                })
        }

        testTask "summaries leave out the scene, characters, dialog and metadata" {
            do!
                withApi (fun api -> task {
                    let! t = generateSync api "rome 50 BCE"
                    let! s = api.Client.GetStringAsync($"""/api/v1/timepoints/{str t "id"}?full=false""")
                    Expect.stringContains s "\"characters\":null" "no characters"
                })
        }

        testTask "deleting removes the row, and its children keep existing without a parent" {
            do!
                withApi (fun api -> task {
                    let! t = generateSync api "assassination of julius caesar"

                    let! nav =
                        postJson api.Client $"""/api/v1/temporal/{str t "id"}/next""" """{"units": 1, "unit": "day"}"""

                    let! n = body nav
                    let! del = api.Client.DeleteAsync($"""/api/v1/timepoints/{str t "id"}?permanent=true""")
                    Expect.equal del.StatusCode HttpStatusCode.OK "deleted"
                    let! answer = body del
                    Expect.equal (str answer "message") $"""Timepoint {str t "id"} permanently deleted""" "worded"
                    let! gone = api.Client.GetAsync($"""/api/v1/timepoints/{str t "id"}""")
                    let! _ = expectProblem gone 404
                    let! child = api.Client.GetStringAsync($"""/api/v1/timepoints/{str n "target_id"}""")
                    Expect.stringContains child "\"parent_id\":null" "orphaned child kept"
                    let! again = api.Client.DeleteAsync($"""/api/v1/timepoints/{str t "id"}?permanent=true""")
                    let! _ = expectProblem again 404
                    ()
                })
        }

        testTask "a soft delete (the default) makes the scene 404 on every read, and a permanent delete removes it" {
            do!
                withApi (fun api -> task {
                    let! t = generateSync api "assassination of julius caesar"
                    let id = str t "id"

                    let! nav = postJson api.Client $"/api/v1/temporal/{id}/next" """{"units": 1, "unit": "day"}"""

                    let! n = body nav
                    let childId = str n "target_id"
                    let! del = api.Client.DeleteAsync($"/api/v1/timepoints/{id}")
                    Expect.equal del.StatusCode HttpStatusCode.OK "soft-deleted"
                    let! answer = body del
                    Expect.equal (str answer "message") $"Timepoint {id} soft-deleted" "worded as the reference"
                    Expect.isFalse (answer["permanent"].GetValue<bool>()) "not permanent"

                    for path in
                        [
                            $"/api/v1/timepoints/{id}"
                            $"/api/v1/timepoints/{id}?full=false"
                            $"/api/v1/timepoints/{id}?include_image=true"
                            $"""/api/v1/timepoints/slug/{str t "slug"}"""
                            $"/api/v1/timepoints/{id}/tdf"
                            $"/api/v1/timepoints/{id}/export?format=markdown"
                            $"/api/v1/temporal/{id}/sequence"
                        ] do
                        let! r = api.Client.GetAsync path
                        let! _ = expectProblem r 404
                        ()

                    let! listed = api.Client.GetAsync "/api/v1/timepoints?page_size=100"
                    let! listed = body listed
                    let ids = listed["items"].AsArray() |> Seq.map (fun i -> str i "id") |> List.ofSeq
                    Expect.equal ids [ childId ] "only the child is listed"
                    let! sequence = api.Client.GetAsync $"/api/v1/temporal/{childId}/sequence"
                    let! sequence = body sequence
                    Expect.equal (sequence["prior"].AsArray().Count) 0 "the parent is not in its child's sequence"
                    let! again = api.Client.DeleteAsync($"/api/v1/timepoints/{id}")

                    Expect.equal
                        again.StatusCode
                        HttpStatusCode.OK
                        "a repeated soft delete succeeds, as in the reference"

                    let! permanent = api.Client.DeleteAsync($"/api/v1/timepoints/{id}?permanent=true")
                    Expect.equal permanent.StatusCode HttpStatusCode.OK "then deleted for good"
                    let! gone = api.Client.DeleteAsync($"/api/v1/timepoints/{id}")
                    let! _ = expectProblem gone 404
                    let! bad = api.Client.DeleteAsync($"/api/v1/timepoints/{childId}?permanent=maybe")
                    let! _ = expectProblem bad 422
                    ()
                })
        }

        testTask "include_image=true inlines the stored image as base64; otherwise image_base64 is null" {
            do!
                withApi (fun api -> task {
                    let! resp =
                        postJson
                            api.Client
                            "/api/v1/timepoints/generate/sync"
                            """{"query": "signing of the magna carta", "generate_image": true}"""

                    let! t = body resp
                    let id = str t "id"
                    let! plain = api.Client.GetStringAsync $"/api/v1/timepoints/{id}"
                    Expect.stringContains plain "\"image_base64\":null" "absent by default"
                    let! image = api.Client.GetByteArrayAsync $"/api/v1/timepoints/{id}/image"
                    let! inlined = api.Client.GetAsync $"/api/v1/timepoints/{id}?include_image=true"
                    let! withImage = body inlined

                    Expect.equal
                        (Convert.FromBase64String(str withImage "image_base64"))
                        image
                        "the image's bytes, base64 without a data: prefix"

                    let! summary = api.Client.GetAsync $"/api/v1/timepoints/{id}?full=false&include_image=true"
                    let! summary = body summary
                    Expect.isTrue (summary["image_base64"] <> null) "with the summary too"
                    let! bad = api.Client.GetAsync $"/api/v1/timepoints/{id}?include_image=2"
                    let! _ = expectProblem bad 422
                    ()
                })
        }

        testTask "full=false is the reference's summary: every key present, the image prompt and scene parts null" {
            do!
                withApi (fun api -> task {
                    let! t = generateSync api "rome 50 BCE"
                    let! s = api.Client.GetAsync($"""/api/v1/timepoints/{str t "id"}?full=false""")
                    let! s = body s
                    let o = s.AsObject()

                    for key in
                        [
                            "id"
                            "query"
                            "slug"
                            "status"
                            "year"
                            "month"
                            "day"
                            "season"
                            "time_of_day"
                            "era"
                            "location"
                            "image_prompt"
                            "has_image"
                            "image_url"
                            "image_base64"
                            "text_model_used"
                            "image_model_used"
                            "created_at"
                            "error"
                            "blob_folder_name"
                            "blob_path"
                            "blob_written_at"
                            "is_deleted"
                            "sequence_id"
                            "render_type"
                            "generation_version"
                            "tags"
                            "visibility"
                            "share_url"
                            "preset_used"
                            "generation_time_ms"
                            "model_provider"
                            "model_permissiveness"
                            "request_context"
                            "metadata"
                            "characters"
                            "scene"
                            "dialog"
                            "grounding"
                            "moment"
                        ] do
                        Expect.isTrue (o.ContainsKey key) $"{key} present"

                    for key in
                        [
                            "image_prompt"
                            "metadata"
                            "characters"
                            "scene"
                            "dialog"
                            "grounding"
                            "moment"
                        ] do
                        Expect.isNull o[key] $"{key} is the full form's only"

                    Expect.isFalse (o["is_deleted"].GetValue<bool>()) "not deleted"
                    Expect.equal (o["visibility"].GetValue<string>()) "public" "public"
                    Expect.equal (o["render_type"].GetValue<string>()) "image" "an image scene"
                    Expect.equal (o["generation_version"].GetValue<int>()) 1 "version 1"
                    let! full = api.Client.GetAsync($"""/api/v1/timepoints/{str t "id"}""")
                    let! full = body full
                    Expect.isNotNull full["image_prompt"] "the full form has the image prompt"
                })
        }
    ]

let temporal =
    testList "temporal navigation" [
        testTask "one day after Caesar's assassination is March 16, 44 BCE, linked to its source" {
            do!
                withApi (fun api -> task {
                    let! t = generateSync api "assassination of julius caesar"

                    let! resp =
                        postJson api.Client $"""/api/v1/temporal/{str t "id"}/next""" """{"units": 1, "unit": "day"}"""

                    Expect.equal resp.StatusCode HttpStatusCode.OK "200"
                    let! n = body resp
                    Expect.stringStarts (str n "target_date") "March 16, 44 BCE" "target date"
                    Expect.equal (str n "source_year") "-44" "source year"
                    Expect.equal (str n "direction") "next" "direction"
                    let! target = api.Client.GetStringAsync($"""/api/v1/timepoints/{str n "target_id"}""")
                    let tn = Text.Json.Nodes.JsonNode.Parse target
                    Expect.equal (str tn "parent_id") (str t "id") "linked to source"
                    Expect.equal (str tn "day") "16" "day 16"
                    Expect.stringContains (str tn "location") "Rome" "same place"
                })
        }

        testTask "prior links the new scene to its source without touching the source's parent" {
            do!
                withApi (fun api -> task {
                    let! t = generateSync api "moon landing 1969"

                    let! r1 =
                        postJson
                            api.Client
                            $"""/api/v1/temporal/{str t "id"}/prior"""
                            """{"units": 2, "unit": "hour"}"""

                    let! n1 = body r1
                    Expect.equal (str n1 "direction") "prior" "prior"
                    let! src = api.Client.GetStringAsync($"""/api/v1/timepoints/{str t "id"}""")
                    Expect.stringContains src "\"parent_id\":null" "source parent untouched"
                })
        }

        testTask "the sequence orders linked scenes in time and survives branches" {
            do!
                withApi (fun api -> task {
                    let! t = generateSync api "assassination of julius caesar"
                    let id = str t "id"
                    let! _ = postJson api.Client $"/api/v1/temporal/{id}/next" """{"units": 1, "unit": "day"}"""
                    let! _ = postJson api.Client $"/api/v1/temporal/{id}/next" """{"units": 1, "unit": "year"}"""
                    let! _ = postJson api.Client $"/api/v1/temporal/{id}/prior" """{"units": 1, "unit": "month"}"""
                    let! resp = api.Client.GetAsync($"/api/v1/temporal/{id}/sequence?direction=both&limit=10")
                    Expect.equal resp.StatusCode HttpStatusCode.OK "branches never 500"
                    let! s = body resp
                    Expect.equal (s["prior"].AsArray().Count) 1 "one earlier"
                    let next = s["next"].AsArray() |> Seq.map (fun x -> str x "date") |> List.ofSeq
                    Expect.equal next.Length 2 "two later"
                    Expect.stringStarts next[0] "March 16, 44 BCE" "a day later first"
                    Expect.stringStarts next[1] "March 15, 43 BCE" "a year later second"
                })
        }

        testTask "travelling 365 years back from 50 BCE lands on 415 BCE" {
            do!
                withApi (fun api -> task {
                    let! t = generateSync api "rome 50 BCE"

                    let! resp =
                        postJson
                            api.Client
                            $"""/api/v1/temporal/{str t "id"}/prior"""
                            """{"units": 365, "unit": "year"}"""

                    Expect.equal (int resp.StatusCode) 200 "50 BCE − 365 years is fine"
                    let! ok = body resp
                    Expect.equal (str ok "target_year") "-415" "no year 0 crossed"
                })
        }

        testTask "navigating from a failed scene is a 400" {
            do!
                withApi (fun api -> task {
                    let! t = generateSync api "how do I bake bread"
                    let! resp = postJson api.Client $"""/api/v1/temporal/{str t "id"}/next""" "{}"
                    let! _ = expectProblem resp 400
                    ()
                })
        }
    ]

let errors =
    testList "errors" [
        testTask "a problem body is the golden problem details with error repeating detail" {
            do!
                withApi (fun api -> task {
                    let! resp = api.Client.GetAsync $"/api/v1/timepoints/{Guid.Empty}"
                    let! text = resp.Content.ReadAsStringAsync()

                    Expect.equal
                        text
                        """{"type":"https://httpstatuses.io/404","title":"Not Found","status":404,"detail":"Timepoint not found","error":"Timepoint not found"}"""
                        "golden 404"
                })
        }

        testTask "bad generate bodies are refused with a detail" {
            do!
                withApi (fun api -> task {
                    let cases = [
                        """{"query": "ab"}""", 422
                        """{"query": ""}""", 422
                        """{}""", 422
                        $"""{{"query": "{String('a', 501)}"}}""", 422
                        """{"query": 42}""", 422
                        """{"query": "rome", "generate_image": "yes"}""", 422
                        """[1, 2]""", 422
                        """{"query": """, 400
                        "not json", 400
                    ]

                    for json, status in cases do
                        let! resp = postJson api.Client "/api/v1/timepoints/generate/sync" json
                        let! _ = expectProblem resp status
                        ()
                })
        }

        testTask "unknown ids and slugs are 404 with a detail" {
            do!
                withApi (fun api -> task {
                    for path in
                        [
                            $"/api/v1/timepoints/{Guid.Empty}"
                            "/api/v1/timepoints/not-a-guid"
                            "/api/v1/timepoints/slug/nope"
                            $"/api/v1/timepoints/{Guid.NewGuid()}/image"
                            $"/api/v1/temporal/{Guid.Empty}/sequence"
                        ] do
                        let! resp = api.Client.GetAsync path
                        let! b = expectProblem resp 404
                        Expect.stringContains ((str b "detail").ToLowerInvariant()) "not found" "says not found"

                    let! nav = postJson api.Client $"/api/v1/temporal/{Guid.Empty}/next" "{}"
                    let! b = expectProblem nav 404
                    Expect.stringContains ((str b "detail").ToLowerInvariant()) "not found" "nil uuid"
                })
        }

        testTask "navigation parameters are validated: units 1-365 and known units" {
            do!
                withApi (fun api -> task {
                    let! t = generateSync api "rome 50 BCE"

                    for json in
                        [
                            """{"units": 0}"""
                            """{"units": -1}"""
                            """{"units": 400}"""
                            """{"unit": "fortnight"}"""
                            """{"units": 1.5}"""
                        ] do
                        let! resp = postJson api.Client $"""/api/v1/temporal/{str t "id"}/next""" json
                        let! _ = expectProblem resp 422
                        ()
                })
        }

        testTask "list and sequence parameters are validated" {
            do!
                withApi (fun api -> task {
                    for path in
                        [
                            "/api/v1/timepoints?page=0"
                            "/api/v1/timepoints?page_size=0"
                            "/api/v1/timepoints?page_size=101"
                            "/api/v1/timepoints?status=done"
                            "/api/v1/timepoints?page=abc"
                        ] do
                        let! resp = api.Client.GetAsync path
                        let! _ = expectProblem resp 422
                        ()

                    let! t = generateSync api "rome 50 BCE"

                    for q in [ "limit=0"; "limit=100"; "direction=sideways" ] do
                        let! resp = api.Client.GetAsync($"""/api/v1/temporal/{str t "id"}/sequence?{q}""")
                        let! _ = expectProblem resp 422
                        ()
                })
        }

        testTask "wrong methods, wrong content types and huge bodies get 4xx problems" {
            do!
                withApi (fun api -> task {
                    let! m = api.Client.PostAsync("/health", null)
                    let! _ = expectProblem m 405
                    let! d = api.Client.DeleteAsync "/api/v1/timepoints/"
                    Expect.isTrue (int d.StatusCode >= 400 && int d.StatusCode < 500) "delete without id"

                    let! ct =
                        api.Client.PostAsync(
                            "/api/v1/timepoints/generate/sync",
                            new StringContent("query=rome", Encoding.UTF8, "text/plain")
                        )

                    let! _ = expectProblem ct 415
                    let huge = $"""{{"query": "{String('x', 2_000_000)}"}}"""
                    let! big = postJson api.Client "/api/v1/timepoints/generate/sync" huge
                    let! _ = expectProblem big 413
                    ()
                })
        }

        testTask "every response carries a request id, echoed when given" {
            do!
                withApi (fun api -> task {
                    let req = new HttpRequestMessage(HttpMethod.Get, "/health")
                    req.Headers.Add("X-Request-Id", "abc-123")
                    let! resp = api.Client.SendAsync req
                    Expect.equal (resp.Headers.GetValues("X-Request-Id") |> Seq.head) "abc-123" "echoed"
                })
        }
    ]

let limits =
    testList "limits" [
        testTask "the read rate limit answers 429 with Retry-After" {
            let! (api: TestApi) = startWith [ "READ_RATE_LIMIT", "3" ] None

            try
                let mutable last: HttpResponseMessage = null

                for _ in 1..5 do
                    let! (r: HttpResponseMessage) = api.Client.GetAsync "/api/v1/timepoints"
                    last <- r

                let! _ = expectProblem last 429
                Expect.isTrue (last.Headers.Contains "Retry-After") "Retry-After"
                let! (h: HttpResponseMessage) = api.Client.GetAsync "/health"
                Expect.equal h.StatusCode HttpStatusCode.OK "health is not limited"
            finally
                (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
        }

        testTask "API keys guard writes but not reads" {
            let! (api: TestApi) = startWith [ "API_KEYS", "k1,k2" ] None

            try
                let! (denied: HttpResponseMessage) =
                    postJson api.Client "/api/v1/timepoints/generate/sync" """{"query": "rome 50 BCE"}"""

                let! _ = expectProblem denied 401
                let! (read: HttpResponseMessage) = api.Client.GetAsync "/api/v1/timepoints"
                Expect.equal read.StatusCode HttpStatusCode.OK "reads open"

                let req =
                    new HttpRequestMessage(HttpMethod.Post, "/api/v1/timepoints/generate/sync")

                req.Headers.Add("X-API-Key", "k2")
                req.Content <- new StringContent("""{"query": "rome 50 BCE"}""", Encoding.UTF8, "application/json")
                let! (allowed: HttpResponseMessage) = api.Client.SendAsync req
                Expect.equal allowed.StatusCode HttpStatusCode.OK "key accepted"
            finally
                (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
        }
    ]

let models =
    testList "models" [
        testTask "the models list includes the offline engine and slash ids resolve" {
            do!
                withApi (fun api -> task {
                    let! resp = api.Client.GetStringAsync "/api/v1/models"
                    let b = Text.Json.Nodes.JsonNode.Parse resp
                    let ids = b["models"].AsArray() |> Seq.map (fun m -> str m "id") |> List.ofSeq
                    Expect.contains ids "timepoint-offline-2" "offline engine listed"
                    let! unknown = api.Client.GetAsync "/api/v1/models/some/unknown-model"
                    let! _ = expectProblem unknown 404
                    let! known = api.Client.GetAsync "/api/v1/models/timepoint-offline-2"
                    Expect.equal known.StatusCode HttpStatusCode.OK "known model"
                    let! filtered = api.Client.GetStringAsync "/api/v1/models?provider=nobody"
                    Expect.stringContains filtered "\"total\":0" "unknown provider → empty"
                    let! providers = api.Client.GetAsync "/api/v1/models/providers"
                    Expect.equal providers.StatusCode HttpStatusCode.OK "providers"
                })
        }

        testTask "the providers are a list with the reference's fields beside the engine's settings" {
            do!
                withApi (fun api -> task {
                    let! text = api.Client.GetStringAsync "/api/v1/models/providers"
                    let b = Text.Json.Nodes.JsonNode.Parse text
                    Expect.equal (str b "engine") "offline" "engine beside the list"
                    let items = b["providers"].AsArray() |> List.ofSeq
                    Expect.isNonEmpty items "providers listed"

                    for p in items do
                        for key in
                            [
                                "provider"
                                "available"
                                "models_count"
                                "default_text_model"
                                "default_image_model"
                            ] do
                            let name = str p "provider"
                            Expect.isTrue (p.AsObject().ContainsKey key) $"{name} has {key}"

                        if not (p["available"].GetValue<bool>()) then
                            Expect.equal (p["models_count"].GetValue<int>()) 0 "unavailable: no models"
                            Expect.isNull p["default_text_model"] "unavailable: no text model"
                            Expect.isNull p["default_image_model"] "unavailable: no image model"
                })
        }
    ]

/// A catalogue entry as the engine lists it.
let private catalogueModel (id: string) (context: int option) (prices: (float * float) option) =
    let ctx =
        match context with
        | Some c -> string c
        | None -> "null"

    let pricing =
        match prices with
        | Some(p, c) -> $"{{\"prompt\":{p},\"completion\":{c}}}"
        | None -> "null"

    Text.Json.Nodes.JsonNode.Parse
        $"{{\"id\":\"{id}\",\"provider\":\"openrouter\",\"context_length\":{ctx},\"pricing\":{pricing}}}"

let freeModels =
    testList "free models" [
        test "only models with both prices 0 are free, largest context first, best being the largest" {
            let b =
                TimepointFlash.Api.SystemHandlers.freeModels [
                    catalogueModel "paid/model" (Some 1_000_000) (Some(0.000003, 0.000015))
                    catalogueModel "meta/llama:free" (Some 131072) (Some(0.0, 0.0))
                    catalogueModel "half/free" (Some 64000) (Some(0.0, 0.00001))
                    catalogueModel "unpriced/model" (Some 64000) None
                    catalogueModel "google/gemini-2.0-flash:free" (Some 1_048_576) (Some(0.0, 0.0))
                ]

            let ids = b["all_free"].AsArray() |> Seq.map (fun n -> str n "id") |> List.ofSeq
            Expect.equal ids [ "google/gemini-2.0-flash:free"; "meta/llama:free" ] "free, by context"
            Expect.equal (b["total"].GetValue<int>()) 2 "total"
            Expect.equal (str b["best"] "id") "google/gemini-2.0-flash:free" "largest context"
            Expect.isNonEmpty (str b "note") "a note"
        }

        test "the fast pick prefers Gemini Flash, then other Gemini, then Claude, among models with 32k of context" {
            let pick models =
                let b = TimepointFlash.Api.SystemHandlers.freeModels models
                str b["fastest"] "id"

            let free id context =
                catalogueModel id context (Some(0.0, 0.0))

            Expect.equal
                (pick [
                    free "a/claude-x" (Some 200000)
                    free "g/gemini-pro" (Some 100000)
                    free "x/tiny" (Some 8000)
                ])
                "g/gemini-pro"
                "Gemini before Claude"

            Expect.equal
                (pick [ free "g/gemini-pro" (Some 100000); free "g/gemini-flash" (Some 1_000_000) ])
                "g/gemini-flash"
                "Flash first"

            Expect.equal
                (pick [ free "x/tiny" (Some 8000); free "y/small" (Some 16000) ])
                "y/small"
                "none roomy: the largest"

            Expect.equal
                (pick [ free "m/a:free" (Some 64000); free "m/b:free" (Some 40000) ])
                "m/b:free"
                "ties: smaller"
        }

        test "no free model gives nulls, an empty list and a note" {
            let b = TimepointFlash.Api.SystemHandlers.freeModels []
            Expect.isNull b["best"] "no best"
            Expect.isNull b["fastest"] "no fastest"
            Expect.equal (b["all_free"].AsArray().Count) 0 "empty"
            Expect.equal (b["total"].GetValue<int>()) 0 "zero"
        }

        testTask "GET /api/v1/models/free answers the shape with the offline engine" {
            do!
                withApi (fun api -> task {
                    let! resp = api.Client.GetAsync "/api/v1/models/free"
                    Expect.equal resp.StatusCode HttpStatusCode.OK "200"
                    let! b = body resp

                    for key in [ "best"; "fastest"; "all_free"; "total"; "note" ] do
                        Expect.isTrue (b.AsObject().ContainsKey key) $"has {key}"
                })
        }
    ]

let tests =
    testList "Api" [ health; generation; reading; temporal; errors; limits; models; freeModels ]
