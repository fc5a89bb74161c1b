/// Settings, requests and a recording runtime shared by the provider tests.
module TimepointFlash.Tests.Support.ProviderFixtures

open System
open System.Threading.Tasks
open Expecto
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Tests.Support.FakeServers
open TimepointFlash.Tests.Support.ProviderShapes
open TimepointFlash.Tests.Support.SpecRules

/// Fake keys (never real): every test checks they never leak.
let geminiKey = "fake-google-key-XYZZY-0001"

let openRouterKey = "fake-openrouter-key-XYZZY-0002"

let openAiKey = "fake-openai-key-XYZZY-0003"

/// A lookup over a fixed set of variables.
let lookupOf (vars: (string * string) list) =
    let map = Map.ofList vars
    fun name -> Map.tryFind name map

/// Parsed settings, failing the test on a configuration error.
let settingsOf (vars: (string * string) list) =
    match Settings.parse (lookupOf vars) with
    | Ok s -> s
    | Error e -> failtest (SettingsError.describe e)

/// Records delays and events, with a clock the test moves by hand.
type Recorder() =
    let delays = ResizeArray<TimeSpan>()
    let events = ResizeArray<ProviderEvent>()

    /// The fake clock.
    member val Now = DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero) with get, set
    /// Delays asked for, in order.
    member _.Delays = lock delays (fun () -> Seq.toList delays)
    /// Events logged, in order.
    member _.Events = lock events (fun () -> Seq.toList events)
    /// Records one delay without waiting.
    member _.Delay(d: TimeSpan) = lock delays (fun () -> delays.Add d)
    /// Records one event.
    member _.Log(e: ProviderEvent) = lock events (fun () -> events.Add e)

/// A runtime whose delays return at once, with jitter fixed at 0.5.
let runtimeOf (r: Recorder) : Runtime = {
    Now = fun () -> r.Now
    Delay =
        fun d _ ->
            r.Delay d
            Task.CompletedTask
    Random = fun () -> 0.5
}

/// A router over fakes with the recording runtime and a model-call budget.
let routerBudgeted (budget: ProviderBudget) (offline: Backend option) (r: Recorder) (settings: Settings) =
    Router.createWith
        {
            Http = FakeServer.http
            Log = r.Log
            Runtime = runtimeOf r
            Offline = offline
            Budget = budget
        }
        settings

/// A router over fakes with the recording runtime.
let routerWith (offline: Backend option) (r: Recorder) (settings: Settings) =
    routerBudgeted ProviderBudget.unlimited offline r settings

/// Variables pointing Gemini at a fake, which from then on validates requests as Gemini's API.
let geminiAt (fake: FakeServer) =
    fake.Imitate Api.Gemini
    [ "GOOGLE_API_KEY", geminiKey; "GEMINI_BASE_URL", fake.BaseUrl ]

/// Variables pointing OpenRouter at a fake, which from then on validates requests as OpenRouter's API.
let openRouterAt (fake: FakeServer) =
    fake.Imitate Api.OpenRouter
    [ "OPENROUTER_API_KEY", openRouterKey; "OPENROUTER_BASE_URL", fake.BaseUrl ]

/// Variables pointing the OpenAI provider at a fake, which from then on validates requests as OpenAI's API.
let openAiAt (fake: FakeServer) =
    fake.Imitate Api.OpenAi

    [
        "OPENAI_API_KEY", openAiKey
        "OPENAI_BASE_URL", fake.BaseUrl
        "PRIMARY_PROVIDER", "openai"
    ]

/// A chat request for a role.
let chat role : ChatRequest = {
    Role = role
    Step = "judge"
    System = "You are a careful historian."
    User = "rome 50 BCE"
    Schema = None
    Temperature = 0.2
    MaxTokens = Some 256
    Tuning = CallTuning.none
    OnWait = WaitNotice.None
    Search = false
}

/// An image request.
let image: ImageRequest = {
    Prompt = "The Roman forum at dusk"
    AspectRatio = "16:9"
    NegativePrompt = None
    Compact = None
    Tuning = CallTuning.none
    OnWait = WaitNotice.None
}

/// A small structured-output schema.
let verdictSchema =
    Schema.Object(
        [
            "is_valid", Schema.Boolean
            "query_type", Schema.Enum [ "historical"; "fictional" ]
            "year", Schema.Nullable(Schema.Integer(Some -10000, Some 3000))
            "reason", Schema.String(Some "why")
        ],
        [ "is_valid"; "query_type" ]
    )

/// The value of an Ok result, failing the test otherwise.
let expectOk (result: Result<'a, ProviderError>) =
    match result with
    | Ok v -> v
    | Error e -> failtest $"expected success, got {ProviderError.describe e}"

/// The error of an Error result, failing the test otherwise.
let expectError (result: Result<'a, ProviderError>) =
    match result with
    | Ok _ -> failtest "expected an error, got success"
    | Error e -> e

/// Fails when any of the fake keys occurs in the text.
let expectNoKey (text: string) =
    for key in [ geminiKey; openRouterKey; openAiKey ] do
        Expect.isFalse (text.Contains key) $"a key leaked into: {text}"

/// Runs a body with a started fake, disposing it afterwards; fails when a request broke the API's rules.
let withFake (replies: Reply list) (body: FakeServer -> Task<unit>) = task {
    let! fake = FakeServer.start replies

    try
        do! body fake
        Expect.isEmpty fake.Violations "every request is one the real API accepts"
    finally
        (fake :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
}

/// Seconds as a TimeSpan.
let seconds (s: float) = TimeSpan.FromSeconds s

/// A Gemini 503 with a message.
let unavailable message =
    Reply.json 503 (GeminiShapes.error 503 "UNAVAILABLE" message)

/// One chat call through a router.
let complete (router: Router) role =
    router.Complete (chat role) System.Threading.CancellationToken.None

/// Runs a body with a fake Gemini and a fake OpenRouter.
let withBoth geminiReplies openRouterReplies body =
    withFake geminiReplies (fun gemini -> withFake openRouterReplies (fun openRouter -> body gemini openRouter))

/// The fixed clock of the OpenAI-compatible wire tests.
let fixedClock = DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero)

/// Raw calls of one provider configured by the given variables.
let callsFor vars id =
    let s = settingsOf vars
    OpenAi.calls (Settings.find s id) FakeServer.http (fun () -> fixedClock)

/// Raw OpenRouter calls against a fake.
let openRouterCalls (fake: FakeServer) =
    callsFor (openRouterAt fake) ProviderId.OpenRouter
