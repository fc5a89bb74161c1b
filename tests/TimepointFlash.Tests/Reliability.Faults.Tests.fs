/// Provider faults mid-pipeline through the real OpenAI-compatible provider code (429 storms, 500s, timeouts,
/// malformed output): generations fail with the step and the cause, or succeed after retries; none is lost.
module TimepointFlash.Tests.Reliability.Faults

open System
open System.Net.Http
open System.Text.Json.Nodes
open System.Threading.Tasks
open Expecto
open TimepointFlash
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Support.ApiHost
open TimepointFlash.Tests.Support.LatencyProvider

/// Steps as the fake sees them (the name of the request's JSON schema).
let judgeLine = Step.name Step.Judge
let timelineLine = Step.name Step.Timeline
let sceneLine = Step.name Step.Scene
let castLine = Step.name Step.Characters

/// Runs a test against an API whose only provider is a latency fake with the given faults.
let withFaults (fault: int -> string -> Fault option) (vars: (string * string) list) (f: TestApi -> Task<unit>) = task {
    let! server =
        LatencyProvider.start {
            LatencyProvider.defaults with
                Fault = fault
                Check = SpecRules.problems SpecRules.Api.OpenAi
        }

    try
        let! api =
            startWith
                (LatencyProvider.env server
                 @ [ "FALLBACK_PROVIDER", "none"; "LLM_TIMEOUT_SECONDS", "2" ]
                 @ vars)
                None

        try
            do! f api
            Expect.isEmpty server.Violations "every pipeline request is one OpenAI's API accepts"
        finally
            (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
    finally
        (server :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
}

/// Starts a background generation and returns its id.
let startBackground (api: TestApi) (query: string) = task {
    let payload = JsonObject()
    payload["query"] <- query
    let! (resp: HttpResponseMessage) = postJson api.Client "/api/v1/timepoints/generate" (payload.ToJsonString())
    Expect.equal (int resp.StatusCode) 200 "accepted"
    let! b = body resp
    return str b "id"
}

/// Polls a timepoint until its status is final (completed or failed); fails the test after `seconds`.
let waitFinal (api: TestApi) (id: string) (seconds: float) = task {
    let deadline = DateTime.UtcNow.AddSeconds seconds
    let mutable last: JsonNode = null
    let mutable final = false

    while not final && DateTime.UtcNow < deadline do
        let! resp = api.Client.GetAsync $"/api/v1/timepoints/{id}"
        let! b = body resp
        last <- b
        let status = str b "status"

        if status = "completed" || status = "failed" then
            final <- true
        else
            do! Task.Delay 50

    Expect.isTrue final $"timepoint {id} reached a final status within {seconds}s (last: {last})"
    return last
}

let private expectFailedAt (t: JsonNode) (step: string) (cause: string) =
    Expect.equal (str t "status") "failed" "failed"
    let error = str t "error"
    Expect.isNotNull error "an error is recorded"
    Expect.stringContains (error.ToLowerInvariant()) step $"the error names the step: {error}"
    Expect.stringContains (error.ToLowerInvariant()) cause $"the error names the cause: {error}"

let tests =
    testList "Faults" [
        testTask "a 429 storm with Retry-After is ridden out by retries and the generation completes" {
            let storm n _ =
                if n <= 3 then
                    Some(Fault.Status(429, """{"error":{"code":429,"message":"slow down"}}"""))
                else
                    None

            do!
                withFaults storm [ "LLM_MAX_RETRIES", "3" ] (fun api -> task {
                    let! id = startBackground api "signing of the declaration of independence"
                    let! t = waitFinal api id 30.0
                    let error = str t "error"
                    Expect.equal (str t "status") "completed" $"completed after retries: {error}"
                })
        }

        testTask "persistent 500s at the timeline step fail the generation naming the step and the status" {
            let fault _ line =
                if line = timelineLine then
                    Some(Fault.Status(500, """{"error":{"code":500,"message":"upstream exploded"}}"""))
                else
                    None

            do!
                withFaults fault [ "LLM_MAX_RETRIES", "1" ] (fun api -> task {
                    let! id = startBackground api "signing of the declaration of independence"
                    let! t = waitFinal api id 30.0
                    expectFailedAt t "timeline" "500"
                })
        }

        testTask "a provider that never answers the scene step fails the generation with a timeout" {
            let fault _ line =
                if line = sceneLine then Some Fault.Hang else None

            do!
                withFaults fault [ "LLM_MAX_RETRIES", "0"; "LLM_TIMEOUT_SECONDS", "0.5" ] (fun api -> task {
                    let! id = startBackground api "signing of the declaration of independence"
                    let! t = waitFinal api id 30.0
                    expectFailedAt t "scene" "no answer within"
                })
        }

        testTask "malformed model output at the characters step fails after the repair attempt" {
            let fault _ (line: string) =
                if line.StartsWith castLine then
                    Some(Fault.Content "{\"characters\": [ {\"name\": ")
                else
                    None

            do!
                withFaults fault [ "LLM_MAX_RETRIES", "0" ] (fun api -> task {
                    let! id = startBackground api "signing of the declaration of independence"
                    let! t = waitFinal api id 30.0
                    expectFailedAt t "characters" "invalid"
                })
        }

        testTask "under a mixed storm of 429s and 500s every requested background generation ends final" {
            let rng = Random(7)

            let fault n _ =
                let roll = lock rng (fun () -> rng.Next 10)

                if n > 400 then
                    None
                elif roll < 2 then
                    Some(Fault.Status(429, """{"error":{"code":429,"message":"storm"}}"""))
                elif roll < 3 then
                    Some(Fault.Status(503, """{"error":{"code":503,"message":"down"}}"""))
                else
                    None

            do!
                withFaults fault [ "LLM_MAX_RETRIES", "2"; "GENERATION_CONCURRENCY", "4" ] (fun api -> task {
                    let queries = [ for i in 1..12 -> $"battle of hastings 1066 variant {i}" ]
                    let! ids = queries |> List.map (startBackground api) |> Task.WhenAll

                    for id in ids do
                        let! t = waitFinal api id 90.0
                        let status = str t "status"

                        if status = "failed" then
                            Expect.isNotNull (str t "error") "a failure carries its cause"

                    let! resp = api.Client.GetAsync "/api/v1/timepoints?page_size=100"
                    let! page = body resp
                    Expect.equal (str page "total") "12" "exactly the requested timepoints exist"
                })
        }
    ]
