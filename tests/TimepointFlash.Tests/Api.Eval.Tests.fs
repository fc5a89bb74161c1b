/// Model comparison: the statistics and report (properties over generated runs) and the routes over the offline
/// engine (every run a real generation).
module TimepointFlash.Tests.ApiEval

open System
open System.Net
open System.Text.Json.Nodes
open Expecto
open FsCheck
open FsCheck.FSharp
open TimepointFlash
open TimepointFlash.Tests.Support.ApiHost

let private withApi = Api.withApi

let private at = DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)

let private run (i: int) (latency: int64) (outcome: EvalOutcome) = {
    Target = Eval.modelTarget $"model-{i}" "offline" $"Model number {i} with a rather long label to be cut"
    Outcome = outcome
    LatencyMs = latency
    Usage = { Input = 10; Output = 20 }
    Models = [ $"model-{i}" ]
    Scene = None
    StartedAt = at
    CompletedAt = at
}

let private genRuns = gen {
    let! n = Gen.choose (0, 12)

    let! runs =
        Gen.listOfLength
            n
            (gen {
                let! latency = Gen.choose (0, 100_000)
                let! kind = Gen.choose (0, 2)

                return
                    latency,
                    match kind with
                    | 0 -> EvalOutcome.Completed
                    | 1 -> EvalOutcome.Failed "the judge rejected it; a reason long enough to be cut in the report"
                    | _ -> EvalOutcome.TimedOut
            })

    return runs |> List.mapi (fun i (l, o) -> run i (int64 l) o)
}

let private comparisonOf (runs: EvalRun list) = {
    Request = {
        Query = String('q', 90)
        Targets = runs |> List.map _.Target
        Timeout = TimeSpan.FromSeconds 120.0
        PromptType = "text"
    }
    Timestamp = at
    TotalDurationMs = 1234L
    Runs = runs
}

let private arbRuns = Arb.fromGen genRuns

let private statistics =
    testList "statistics and report" [
        testProperty "the ranking is the successful runs, fastest first, and the counts add up"
        <| Prop.forAll arbRuns (fun runs ->
            let c = comparisonOf runs
            let s = EvalWire.stats c
            let latencies = s.Ranking |> List.map _.LatencyMs
            let node = EvalWire.comparison c

            latencies = List.sort latencies
            && List.length s.Ranking = (runs |> List.filter EvalWire.succeeded |> List.length)
            && node["success_count"].GetValue<int>() + node["failure_count"].GetValue<int>() = runs.Length
            && (match latencies with
                | [] -> s.MedianMs = 0L
                | ls -> s.MedianMs = ls[ls.Length / 2] && s.MinMs <= s.MedianMs && s.MedianMs <= s.MaxMs))

        testProperty "the success rate is a percentage and no report line is wider than 70 columns"
        <| Prop.forAll arbRuns (fun runs ->
            let c = comparisonOf runs
            let rate = EvalWire.successRate c
            let lines = (EvalWire.report c).Split '\n'

            rate >= 0.0
            && rate <= 100.0
            && lines |> Array.forall (fun l -> l.Length <= EvalWire.width))

        test "a report names the winner, the failures and the statistics" {
            let c =
                comparisonOf [
                    run 1 900L EvalOutcome.Completed
                    run 2 300L EvalOutcome.Completed
                    run 3 120_000L EvalOutcome.TimedOut
                ]

            let report = EvalWire.report c
            Expect.stringContains report "MODEL COMPARISON REPORT" "banner"
            Expect.stringContains report "1st   Model number 2" "the fastest first"
            Expect.stringContains report "FAIL" "the timeout as a failure"
            Expect.stringContains report "Timeout after 120s" "with its reason"
            Expect.stringContains report "Success rate: 66.7%" "the rate"
            Expect.stringContains report "Fastest: Model number 2" "statistics"
            let node = EvalWire.comparison c
            Expect.equal (node["fastest_model"].GetValue<string>()) "model-2" "fastest"
            Expect.equal (node["ranking"].ToJsonString()) """["model-2","model-1"]""" "ranking"
            Expect.equal (node["results"].[2].["status"].GetValue<string>()) "timeout" "status"
        }

        test "a comparison without a success has null extremes and a no-success line" {
            let c = comparisonOf [ run 1 5L (EvalOutcome.Failed "no") ]
            let node = EvalWire.comparison c
            Expect.isNull node["fastest_model"] "no fastest"
            Expect.stringContains (EvalWire.report c) "No model succeeded." "said"
        }
    ]

let private routes =
    testList "routes" [
        testTask "the models route lists the sets and the offline model" {
            do!
                withApi (fun api -> task {
                    let! r = api.Client.GetAsync "/api/v1/eval/models"
                    Expect.equal r.StatusCode HttpStatusCode.OK "200"
                    let! b = body r

                    for set in Eval.modelSets do
                        Expect.isNotNull b["presets"].[set] $"{set} counted"

                    Expect.stringContains (b["models"].ToJsonString()) "\"offline\"" "the offline engine's model"
                })
        }

        testTask "a comparison of presets generates one scene each, all successful, ranked and linked" {
            do!
                withApi (fun api -> task {
                    let! presets = api.Client.GetAsync "/api/v1/eval/models"
                    let! presets = body presets

                    let names =
                        presets["generation_presets"].AsArray()
                        |> Seq.map string
                        |> Seq.truncate 2
                        |> List.ofSeq

                    let list = names |> List.map (fun n -> $"\"{n}\"") |> String.concat ","

                    let! r =
                        postJson
                            api.Client
                            "/api/v1/eval/compare"
                            $"""{{"query": "signing of the declaration of independence", "presets": [{list}]}}"""

                    Expect.equal r.StatusCode HttpStatusCode.OK "200"
                    let! c = body r
                    Expect.equal (c["models_tested"].GetValue<int>()) names.Length "one run per preset"
                    Expect.equal (c["success_count"].GetValue<int>()) names.Length "all succeeded offline"
                    Expect.equal (c["ranking"].AsArray().Count) names.Length "all ranked"

                    for result in c["results"].AsArray() do
                        let id = result["timepoint_id"].GetValue<string>()
                        let! scene = api.Client.GetStringAsync $"/api/v1/timepoints/{id}"
                        Expect.stringContains scene "\"status\":\"completed\"" "the linked scene"
                        Expect.isGreaterThan (result["scene"].["characters"].GetValue<int>()) 0 "its cast counted"
                })
        }

        testTask "the report route answers the comparison and its text; the default set runs on the offline engine" {
            do!
                withApi (fun api -> task {
                    let! r =
                        postJson
                            api.Client
                            "/api/v1/eval/compare/report"
                            """{"query": "fall of the berlin wall", "timeout_seconds": 60}"""

                    Expect.equal r.StatusCode HttpStatusCode.OK "200"
                    let! b = body r
                    Expect.stringContains (b["report"].GetValue<string>()) "MODEL COMPARISON REPORT" "the report"
                    Expect.isGreaterThan (b["comparison"].["models_tested"].GetValue<int>()) 0 "something ran"
                })
        }

        testTask "bad comparison requests are 422 and name the field" {
            do!
                withApi (fun api -> task {
                    for json, field in
                        [
                            """{"query": "fall of rome", "timeout_seconds": 9}""", "timeout_seconds"
                            """{"query": "fall of rome", "preset": "bogus"}""", "preset"
                            """{"query": "fall of rome", "models": []}""", "models"
                            """{"query": "fall of rome", "presets": ["nope"]}""", "presets"
                            """{"query": ""}""", "query"
                            """{"query": "fall of rome", "models": [{"provider": "google"}]}""", "model_id"
                        ] do
                        let! r = postJson api.Client "/api/v1/eval/compare" json
                        let! problem = Api.expectProblem r 422
                        Expect.stringContains (problem.ToJsonString()) field $"names {field}"
                })
        }
    ]

let tests = testList "ApiEval" [ statistics; routes ]
