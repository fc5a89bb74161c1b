/// The model-call budget: the pure token bucket's laws, PROVIDER_LIMITS, the waiting gate at the provider edge,
/// and the PostgreSQL store shared by replicas.
module TimepointFlash.Tests.Budget

open System
open System.Threading
open System.Threading.Tasks
open Expecto
open FsCheck
open FsCheck.FSharp
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Persistence
open TimepointFlash.Tests.Persistence.Support
open TimepointFlash.Tests.Support.FakeServers
open TimepointFlash.Tests.Support.ProviderShapes
open TimepointFlash.Tests.Support.ProviderFixtures

let private epoch = DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)

/// A request limit with a capacity of 1..50 and a refill of 0.05..20 per second, and sometimes a token limit.
type BudgetLimit = BudgetLimit of BucketLimit

/// Calls: (milliseconds since the previous call, requests, tokens).
type Schedule = Schedule of (int * float * float) list

type BudgetGenerators =
    static member Limit() =
        let rate = gen {
            let! capacity = Gen.choose (1, 50)
            let! perSecond = Gen.choose (1, 400)

            return {
                Capacity = float capacity
                PerSecond = float perSecond / 20.0
            }
        }

        gen {
            let! requests = rate

            let! tokens =
                Gen.oneof [
                    Gen.constant None
                    rate |> Gen.map (fun r -> Some { r with Capacity = r.Capacity * 100.0 })
                ]

            let limit: BucketLimit = {
                Requests = Some requests
                Tokens = tokens
            }

            return BudgetLimit limit
        }
        |> Arb.fromGen

    static member Schedule() =
        Gen.listOf (
            gen {
                let! gap = Gen.choose (0, 3000)
                let! requests = Gen.choose (0, 3)
                let! tokens = Gen.choose (0, 6000)
                return gap, float requests, float tokens
            }
        )
        |> Gen.map Schedule
        |> Arb.fromGen

let private config = {
    FsCheckConfig.defaultConfig with
        maxTest = 300
        arbitrary = [ typeof<BudgetGenerators> ]
}

/// Runs a schedule from a full bucket: every call at its time, granted or refused, with the levels after it.
let private run limit (Schedule calls) =
    let folder (at: DateTimeOffset, level, outcomes) (gap, requests, tokens) =
        let at = at.AddMilliseconds(float gap)
        let cost: BucketCost = { Requests = requests; Tokens = tokens }

        match Bucket.take limit cost at level with
        | Ok next -> at, next, (at, cost, true, next) :: outcomes
        | Error _ -> at, level, (at, cost, false, level) :: outcomes

    let _, _, outcomes = List.fold folder (epoch, Bucket.full limit epoch, []) calls
    List.rev outcomes

let private capacityOf (rate: BucketRate option) =
    rate |> Option.map _.Capacity |> Option.defaultValue 0.0

/// Law: no level ever exceeds its capacity.
let neverAboveCapacity (BudgetLimit limit) schedule =
    run limit schedule
    |> List.forall (fun (_, _, _, level) ->
        level.Requests <= capacityOf limit.Requests + 1e-9
        && level.Tokens <= capacityOf limit.Tokens + 1e-9)

/// Law: in any window of length w, granted requests are at most capacity + rate × w (the refill bound).
let windowBound (BudgetLimit limit) schedule =
    let r = limit.Requests.Value
    let granted = run limit schedule |> List.filter (fun (_, _, ok, _) -> ok)

    granted
    |> List.forall (fun (start: DateTimeOffset, _, _, _) ->
        [ 0.5; 1.0; 5.0; 30.0 ]
        |> List.forall (fun w ->
            let inWindow =
                granted
                |> List.filter (fun (at, _, _, _) -> at >= start && at <= start.AddSeconds w)
                |> List.sumBy (fun (_, c: BucketCost, _, _) -> min r.Capacity c.Requests)

            inWindow <= r.Capacity + r.PerSecond * w + 1e-6))

/// Law: waits are monotone: a larger cost never waits less, and waiting d seconds shortens the wait by d.
let waitsAreMonotone (BudgetLimit limit) schedule (NonNegativeInt extra) (NonNegativeInt ms) =
    let level =
        match run limit schedule |> List.tryLast with
        | Some(_, _, _, l) -> l
        | None -> Bucket.full limit epoch

    let cost: BucketCost = { Requests = 1.0; Tokens = 500.0 }

    let bigger = {
        cost with
            Requests = cost.Requests + float (extra % 5)
    }

    let d = float (ms % 10_000) / 1000.0
    let now = Bucket.waitSeconds limit cost level

    let later =
        Bucket.waitSeconds limit cost (Bucket.refill limit (level.At.AddSeconds d) level)

    Bucket.waitSeconds limit bigger level >= now - 1e-9
    && later <= max 0.0 (now - d) + 1e-6

/// Law: a refused take names a wait after which the same take is granted.
let waitingTheStatedTimeIsEnough (BudgetLimit limit) schedule =
    let level =
        match run limit schedule |> List.tryLast with
        | Some(_, _, _, l) -> l
        | None -> Bucket.full limit epoch

    let cost: BucketCost = { Requests = 1.0; Tokens = 800.0 }

    match Bucket.take limit cost level.At level with
    | Ok _ -> true
    | Error wait ->
        Bucket.take limit cost (level.At + wait + TimeSpan.FromTicks 1L) level
        |> Result.isOk

/// Law: a settlement never lifts tokens above capacity and leaves requests alone.
let settleStaysWithinCapacity (BudgetLimit limit) (NormalFloat refund) =
    let level = Bucket.full limit epoch
    let settled = Bucket.settle limit refund level

    settled.Requests = level.Requests
    && settled.Tokens <= capacityOf limit.Tokens + 1e-9

/// Law: a limit of n per window admits at most n in a window even when it starts 1/30 of the window late
/// (capacity + rate × window × 31/30 = n), with a burst of at most n/60 (at least 1), and sustains over 90 % of n.
let limitRule (PositiveInt n) (window: bool) =
    let n = float (n % 1_000_000 + 2)
    let seconds = if window then 60.0 else 1.0
    let r = ProviderLimits.rate n seconds

    abs (r.Capacity + r.PerSecond * seconds * 31.0 / 30.0 - n) < 1e-6 * n
    && r.Capacity >= 1.0
    && r.Capacity <= max 1.0 (n / 60.0)
    && (n < 20.0 || r.PerSecond * seconds >= 0.9 * n)

let private lawTests =
    testList "laws" [
        testPropertyWithConfig config "no level ever exceeds its capacity" neverAboveCapacity
        testPropertyWithConfig config "no window of w seconds grants more than capacity + rate × w" windowBound
        testPropertyWithConfig config "waits are monotone in the cost and shrink with time" waitsAreMonotone
        testPropertyWithConfig
            config
            "a refused take is granted once its stated wait has passed"
            waitingTheStatedTimeIsEnough
        testPropertyWithConfig config "a settlement stays within the token capacity" settleStaysWithinCapacity
        testPropertyWithConfig config "a limit of n per window never admits more than n in a window" limitRule
        test "a call larger than the bucket waits for a full bucket, not forever" {
            let limit: BucketLimit = {
                Requests = None
                Tokens = Some { Capacity = 100.0; PerSecond = 10.0 }
            }

            let empty: BucketLevel = {
                Bucket.full limit epoch with
                    Tokens = 0.0
            }

            let cost: BucketCost = { Requests = 1.0; Tokens = 5000.0 }
            Expect.equal (Bucket.waitSeconds limit cost empty) 10.0 "ten seconds to full"
        }
    ]

let private providers = [ "gemini"; "openrouter"; "openai" ]

let private parseTests =
    testList "PROVIDER_LIMITS" [
        test "provider and model entries, requests and tokens per minute or second" {
            let limits =
                ProviderLimits.parse
                    providers
                    (Some "gemini=60rpm/1000000tpm, openrouter:meta-llama/llama-3.1-8b-instruct:free=20rpm,openai=5rps")
                |> Result.defaultWith (fun e -> failtest (ProviderLimits.describeError e))

            Expect.equal
                (limits.Buckets |> Map.keys |> List.ofSeq)
                [ "gemini"; "openai"; "openrouter:meta-llama/llama-3.1-8b-instruct:free" ]
                "buckets"

            let close (rate: BucketRate option) capacity perSecond what =
                Expect.equal rate.Value.Capacity capacity $"{what}: burst"
                Expect.floatClose Accuracy.veryHigh rate.Value.PerSecond perSecond $"{what}: refill"

            close limits.Buckets["gemini"].Requests 1.0 (59.0 / 62.0) "60 rpm: 1 at once, 59 over 62 s"
            close limits.Buckets["gemini"].Tokens 16666.0 (983334.0 / 62.0) "1M tpm"
            close limits.Buckets["openai"].Requests 1.0 (4.0 * 30.0 / 31.0) "5 rps"
            Expect.isNone limits.Buckets["openai"].Tokens "tokens unlimited"
        }
        test "blank is no limits" {
            Expect.equal (ProviderLimits.parse providers None) (Ok ProviderLimits.none) "unset"
            Expect.equal (ProviderLimits.parse providers (Some " ")) (Ok ProviderLimits.none) "blank"
        }
        test "bad entries are named with why" {
            let problem text =
                match ProviderLimits.parse providers (Some text) with
                | Ok _ -> failtest $"accepted {text}"
                | Error e -> ProviderLimits.describeError e

            Expect.equal (problem "gemini=60") "'gemini=60': '60' needs a unit: rpm, rps, tpm or tps" "unit"
            Expect.stringContains (problem "claude=1rpm") "unknown provider 'claude'" "provider"
            Expect.stringContains (problem "gemini=0rpm") "whole number from 1" "zero"
            Expect.stringContains (problem "gemini=1rpm,gemini=2rpm") "'gemini' is limited twice" "twice"
            Expect.stringContains (problem "gemini:=1rpm") "names no model" "model"
            Expect.stringContains (problem "gemini=1rpm/2rps") "names requests twice" "requests twice"
            Expect.stringContains (problem "gemini") "must be provider[:model]=" "shape"
        }
        test "a model's own entry is its bucket, else its provider's" {
            let limits =
                ProviderLimits.parse providers (Some "openrouter=60rpm,openrouter:a/b=5rpm")
                |> Result.defaultWith (fun _ -> failtest "parse")

            Expect.equal
                (ProviderLimits.bucketFor limits "openrouter" "a/b" |> Option.map fst)
                (Some "openrouter:a/b")
                "own"

            Expect.equal
                (ProviderLimits.bucketFor limits "openrouter" "c/d" |> Option.map fst)
                (Some "openrouter")
                "provider's"

            Expect.isNone (ProviderLimits.bucketFor limits "gemini" "x") "not limited"
        }
        test "a chat call is estimated at its prompt's characters / 4 plus its output maximum, settled by usage" {
            let request = {
                chat ModelRole.Creative with
                    System = String('s', 400)
                    User = String('u', 400)
                    MaxTokens = Some 1000
            }

            Expect.equal (ProviderLimits.estimate request) 1200 "200 + 1000"
            Expect.equal (ProviderLimits.estimate { request with MaxTokens = None }) 1224 "200 + 1024 by default"
            let cost = ProviderLimits.chatCost request
            Expect.equal (ProviderLimits.refund cost { Input = 150; Output = 300 }) 750.0 "gives back the rest"

            Expect.equal
                (ProviderLimits.refund cost { Input = 0; Output = 0 })
                0.0
                "nothing reported: keeps the estimate"
        }
        test "an invalid PROVIDER_LIMITS stops start-up naming the variable" {
            match
                TimepointFlash.Runtime.Config.read (
                    lookupOf [ "DATABASE_URL", "sqlite:///x.db"; "PROVIDER_LIMITS", "gemini=lots" ]
                )
            with
            | Ok _ -> failtest "accepted"
            | Error e ->
                Expect.equal e.Variable "PROVIDER_LIMITS" "variable"
                Expect.stringContains e.Problem "needs a unit" "why"
        }
    ]

/// A clock that moves only when the gate sleeps.
type private Clock() =
    member val Now = epoch with get, set

    member c.Runtime: Runtime = {
        Now = fun () -> c.Now
        Delay =
            fun d ct ->
                if ct.IsCancellationRequested then
                    Task.FromCanceled ct
                else
                    c.Now <- c.Now + d
                    Task.CompletedTask
        Random = fun () -> 0.0
    }

let private twoRps =
    ProviderLimits.parse providers (Some "openai=2rps")
    |> Result.defaultWith (fun _ -> failtest "parse")

let private gateTests =
    testList "gate" [
        testTask "a call beyond the budget waits, once told to the step and the log, then goes out" {
            let clock = Clock()

            let budget = {
                Limits = twoRps
                Store = BudgetStore.memory (fun () -> clock.Now)
                MaxWait = TimeSpan.FromMinutes 1.0
            }

            let events = ResizeArray()
            let told = ResizeArray()

            let notice =
                WaitNotice(fun w ->
                    told.Add w
                    Task.CompletedTask)

            let admit () =
                ProviderBudget.admit
                    clock.Runtime
                    budget
                    events.Add
                    notice
                    "openai"
                    "m"
                    ProviderLimits.imageCost
                    CancellationToken.None

            let! first = admit ()
            Expect.isOk first "the burst of one goes at once"
            Expect.equal clock.Now epoch "no wait"
            let! second = admit ()
            Expect.isOk second "then waits"

            Expect.isGreaterThanOrEqual
                (clock.Now - epoch).TotalSeconds
                0.5
                "half a second at 2 rps (burst 1, refill 1/s)"

            Expect.equal told.Count 1 "the step is told once"
            Expect.equal told[0].Bucket "openai" "bucket"

            Expect.exists
                events
                (function
                | ProviderEvent.WaitingForBudget("openai", "openai", _) -> true
                | _ -> false)
                "logged"
        }
        testTask "a wait beyond the maximum fails typed as rate limited (the router may fall back)" {
            let clock = Clock()

            let budget = {
                Limits =
                    ProviderLimits.parse providers (Some "openai=1rpm")
                    |> Result.defaultWith (fun _ -> failtest "parse")
                Store = BudgetStore.memory (fun () -> clock.Now)
                MaxWait = TimeSpan.FromSeconds 5.0
            }

            let admit () =
                ProviderBudget.admit
                    clock.Runtime
                    budget
                    ignore
                    WaitNotice.None
                    "openai"
                    "m"
                    ProviderLimits.imageCost
                    CancellationToken.None

            let! _ = admit ()
            let! second = admit ()

            match second with
            | Error(ProviderError.RateLimited("openai", Some wait)) ->
                Expect.isGreaterThan wait (TimeSpan.FromSeconds 5.0) "the wait"
            | other -> failtest $"expected rate limited, got %A{other |> Result.map ignore}"
        }
        testTask "a cancelled caller stops waiting" {
            let clock = Clock()

            let budget = {
                Limits = twoRps
                Store = BudgetStore.memory (fun () -> clock.Now)
                MaxWait = TimeSpan.FromMinutes 1.0
            }

            let cts = new CancellationTokenSource()

            let! _ =
                ProviderBudget.admit
                    clock.Runtime
                    budget
                    ignore
                    WaitNotice.None
                    "openai"
                    "m"
                    ProviderLimits.imageCost
                    cts.Token

            cts.Cancel()

            let! r =
                ProviderBudget.admit
                    clock.Runtime
                    budget
                    ignore
                    WaitNotice.None
                    "openai"
                    "m"
                    ProviderLimits.imageCost
                    cts.Token

            match r with
            | Error ProviderError.Cancelled -> ()
            | _ -> failtest "expected cancelled"
        }
        testTask "every attempt takes budget: a retried call is granted twice" {
            do!
                withFake [ unavailable "busy"; Reply.ok (GeminiShapes.text "done") ] (fun fake -> task {
                    let clock = Clock()
                    let r = Recorder()
                    let taken = ResizeArray()
                    let memory = BudgetStore.memory (fun () -> clock.Now)

                    let budget = {
                        Limits =
                            ProviderLimits.parse providers (Some "gemini=100rpm")
                            |> Result.defaultWith (fun _ -> failtest "parse")
                        Store = {
                            memory with
                                Take =
                                    fun bucket limit cost ct -> task {
                                        let! answer = memory.Take bucket limit cost ct

                                        if answer = TakeAnswer.Granted then
                                            taken.Add bucket

                                        return answer
                                    }
                        }
                        MaxWait = TimeSpan.FromMinutes 1.0
                    }

                    let router =
                        Router.createWith
                            {
                                Http = FakeServer.http
                                Log = r.Log
                                Runtime = clock.Runtime
                                Offline = None
                                Budget = budget
                            }
                            (settingsOf (geminiAt fake))

                    let! answer = complete router ModelRole.Creative
                    Expect.equal (expectOk answer).Text "done" "answer"
                    Expect.equal (List.ofSeq taken) [ "gemini"; "gemini" ] "one take per attempt"
                })
        }
    ]

let private postgresTests =
    testList "PostgreSQL store" [
        testTask "two replicas share one bucket: exactly its capacity is granted, then both are told to wait" {
            do!
                withDb Dialect.Postgres (fun db -> task {
                    let other = openDb db.Config

                    try
                        let limit: BucketLimit = {
                            Requests = Some { Capacity = 5.0; PerSecond = 0.001 }
                            Tokens =
                                Some {
                                    Capacity = 10_000.0
                                    PerSecond = 0.001
                                }
                        }

                        let stores = [ BudgetStores.postgres db; BudgetStores.postgres other ]
                        let cost: BucketCost = { Requests = 1.0; Tokens = 100.0 }

                        let! answers =
                            [
                                for i in 0..19 -> stores[i % 2].Take "openai:m" limit cost CancellationToken.None
                            ]
                            |> Task.WhenAll

                        let granted = answers |> Array.filter ((=) TakeAnswer.Granted) |> Array.length
                        Expect.equal granted 5 "the capacity, not more, across both"

                        for a in answers do
                            match a with
                            | TakeAnswer.Granted -> ()
                            | TakeAnswer.Wait w ->
                                Expect.isGreaterThan w.TotalSeconds 900.0 "about 1000 s to one request"
                            | TakeAnswer.Unavailable e -> failtest e

                        // A settlement gives tokens back (up to capacity) without touching requests.
                        do! stores[0].Settle "openai:m" limit 50.0 CancellationToken.None

                        let! tokens =
                            Db.run db (fun s -> task {
                                use cmd = s.Connection.CreateCommand()
                                cmd.CommandText <- "SELECT tokens FROM provider_budgets WHERE bucket = 'openai:m'"
                                let! v = cmd.ExecuteScalarAsync()
                                return Convert.ToDouble v
                            })

                        Expect.isLessThan (abs (ok "tokens" tokens - 9550.0)) 1.0 "five takes of 100, 50 given back"
                    finally
                        (other :> IDisposable).Dispose()
                })
        }
    ]

let private stepTests =
    testList "step state" [
        testTask "a call that waits for budget shows as its step's waiting record, between started and completed" {
            let records = ResizeArray<StepRecord>()

            let llm: Llm =
                fun call ct -> task {
                    if call.Chat.Step = "judge" then
                        do!
                            call.Chat.OnWait.Tell {
                                Provider = "openai"
                                Model = "m"
                                Bucket = "openai"
                                Wait = TimeSpan.FromSeconds 2.0
                            }

                    return! OfflineEngine.llm call ct
                }

            let deps = {
                Llm = llm
                DrawImage = None
                Emit =
                    fun r ->
                        records.Add r
                        Task.CompletedTask
                Mode = PipelineMode.Sequential
                ImagePromptMode = ImagePromptMode.Assembled
                Off = Set.empty
                Grounding = GroundingMode.Off
                Search = SearchSupport.Searches("offline", "curated")
                Elapsed = fun () -> 0L
                Now = fun () -> epoch
                Today = fun () -> DateOnly(2026, 12, 1)
            }

            let! _ =
                Pipeline.run
                    deps
                    {
                        Query = "the storming of the bastille"
                        GenerateImage = false
                        Continuity = None
                    }
                    CancellationToken.None

            let judge =
                records
                |> Seq.filter (fun r -> Step.name r.Step = "judge")
                |> Seq.map (fun r -> r.Status)
                |> List.ofSeq

            Expect.equal judge [ StepStatus.Started; StepStatus.Waiting; StepStatus.Completed ] "judge's records"
            let waiting = records |> Seq.find (fun r -> r.Status = StepStatus.Waiting)

            Expect.equal
                (waiting.Provider, waiting.Model, waiting.LatencyMs)
                (Some "openai", Some "m", Some 2000L)
                "what waits"

            Expect.equal
                (records |> Seq.filter (fun r -> r.Status = StepStatus.Waiting) |> Seq.length)
                1
                "only the judge waited"
        }
    ]

let tests =
    testList "Budget" [ lawTests; parseTests; gateTests; stepTests; postgresTests ]
