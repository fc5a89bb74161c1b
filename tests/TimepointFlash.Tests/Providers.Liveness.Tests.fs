/// The start-up check of configured OpenRouter model ids against the models registry: the laws of its suggestion
/// distance, the pure comparison, and the check over loopback against a fake registry.
module TimepointFlash.Tests.Providers.Liveness

open System
open System.Text.Json
open Expecto
open FsCheck
open FsCheck.FSharp
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Tests.Support.FakeServers
open TimepointFlash.Tests.Support.ProviderFixtures
open TimepointFlash.Tests.Support.ProviderShapes

/// Model-id-like text: a vendor, a slash and a name from a small alphabet (so near misses are common).
type ModelIds =
    static member Id() =
        let part =
            Gen.elements [ 'a'; 'b'; 'g'; 'o'; '-'; '.'; '1'; '2' ]
            |> Gen.arrayOfLength 4
            |> Gen.map String

        Gen.map2 (fun v n -> $"{v}/{n}") part part |> Arb.fromGen

let private config = {
    FsCheckConfig.defaultConfig with
        maxTest = 300
        arbitrary = [ typeof<ModelIds> ]
}

/// Property: the distance is zero exactly between equal ids (ignoring case), symmetric, and within the triangle.
let distanceIsAMetric (a: string) (b: string) (c: string) =
    let d = ModelLiveness.distance

    (d a b = 0) = (a.ToLowerInvariant() = b.ToLowerInvariant())
    && d a b = d b a
    && d a c <= d a b + d b c

/// Property: an id the registry lists is never reported; one it does not list always is.
let listedIdsAreNeverReported (listed: string list) (id: string) =
    let registry =
        listed
        |> List.map (fun l -> {
            Id = l
            Name = l
            ContextLength = None
            PromptPrice = None
            CompletionPrice = None
            Modality = None
            InputModalities = []
            OutputModalities = []
        })

    let reported = ModelLiveness.unknown registry [ id, "judge model" ] |> List.map _.Id

    let isListed =
        listed
        |> List.exists (fun l -> String.Equals(l, id, StringComparison.OrdinalIgnoreCase))

    reported = (if isListed then [] else [ id ])

let private registryOf (ids: string list) =
    let entries =
        ids |> List.map (fun id -> $"{{\"id\":{JsonSerializer.Serialize id}}}")

    "{\"data\":[" + String.Join(",", entries) + "]}"

let private retired = "google/gemini-2.0-flash-exp"

let tests =
    testList "Providers.Liveness" [
        testPropertyWithConfig config "the suggestion distance is a metric on ids" distanceIsAMetric
        testPropertyWithConfig
            config
            "a listed id is never reported and an unlisted one always is"
            listedIdsAreNeverReported

        test
            "an unknown id is reported with the nearest listed id of its vendor; a routing shortcut is not part of the id" {
            let registry =
                [
                    "google/gemini-2.5-flash"
                    "google/gemini-2.0-flash-001"
                    "meta-llama/llama-4-scout"
                ]
                |> List.map (fun id -> {
                    Id = id
                    Name = id
                    ContextLength = None
                    PromptPrice = None
                    CompletionPrice = None
                    Modality = None
                    InputModalities = []
                    OutputModalities = []
                })

            let found =
                ModelLiveness.unknown registry [
                    "google/gemini-2.5-flash", "judge model"
                    "google/gemini-2.5-flash:online", "creative model"
                    retired, "preset hyper judge model"
                ]

            Expect.equal
                found
                [
                    {
                        Id = retired
                        Source = "preset hyper judge model"
                        Suggestion = Some "google/gemini-2.0-flash-001"
                    }
                ]
                "only the retired id, with the nearest Google id"

            Expect.equal
                (ModelLiveness.describe "openrouter" found.Head)
                "[openrouter] the preset hyper judge model 'google/gemini-2.0-flash-exp' is not in openrouter's models list (retired or misspelt); did you mean 'google/gemini-2.0-flash-001'?"
                "golden line"
        }

        testTask "at start-up a retired judge model is named with a suggestion, read from the registry over loopback" {
            let! fake = FakeServer.start []

            try
                let settings =
                    settingsOf (openRouterAt fake @ [ "PRIMARY_PROVIDER", "openrouter"; "JUDGE_MODEL", retired ])

                let provider = Settings.find settings ProviderId.OpenRouter

                let others =
                    ModelLiveness.configured settings.Presets provider
                    |> List.map fst
                    |> List.filter ((<>) retired)

                // the registry lists every configured id but the retired one, and its successor
                let registry = registryOf ("google/gemini-2.0-flash-001" :: others)
                let! fake2 = FakeServer.start [ Reply.ok registry ]

                try
                    let settings =
                        settingsOf (
                            openRouterAt fake2
                            @ [ "PRIMARY_PROVIDER", "openrouter"; "JUDGE_MODEL", retired ]
                        )

                    let! lines = ModelLiveness.check settings FakeServer.http Threading.CancellationToken.None

                    Expect.equal
                        lines
                        [
                            $"[openrouter] the judge model '{retired}' is not in openrouter's models list (retired or misspelt); did you mean 'google/gemini-2.0-flash-001'?"
                        ]
                        "one line, naming the id and the suggestion"

                    Expect.equal
                        (fake2.Requests |> List.map (fun r -> r.Method, r.Path))
                        [ "GET", "/models" ]
                        "one read of the registry"

                    Expect.isFalse (lines |> List.exists (fun l -> l.Contains openRouterKey)) "never the key"
                finally
                    (fake2 :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
            finally
                (fake :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
        }

        testTask
            "a registry that cannot be read is one line and nothing else; without an OpenRouter key nothing is asked" {
            let! fake = FakeServer.start [ Reply.json 503 (OpenAiShapes.error 503 "overloaded") ]

            try
                let settings = settingsOf (openRouterAt fake @ [ "PRIMARY_PROVIDER", "openrouter" ])

                let! (lines: string list) =
                    ModelLiveness.check settings FakeServer.http Threading.CancellationToken.None

                Expect.equal lines.Length 1 (String.concat "\n" lines)

                Expect.stringStarts
                    (List.head lines)
                    "[openrouter] model ids not checked: "
                    "says the check did not happen"

                let! none = ModelLiveness.check (settingsOf []) FakeServer.http Threading.CancellationToken.None

                Expect.equal none [] "no OpenRouter key, no check"
                Expect.equal fake.Requests.Length 1 "only the keyed check asked"
            finally
                (fake :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
        }
    ]
