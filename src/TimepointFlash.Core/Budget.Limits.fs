namespace TimepointFlash

open System
open System.Threading
open System.Threading.Tasks

/// The model-call budget of the deployment (PROVIDER_LIMITS): a bucket per provider, and optionally per model.
type ProviderLimits = {
    /// Bucket key (`provider` or `provider:model`) → its limit.
    Buckets: Map<string, BucketLimit>
}

/// A PROVIDER_LIMITS entry that cannot be read, and why.
type LimitsError = { Entry: string; Problem: string }

/// What a budget store answers to a take.
[<RequireQualifiedAccess>]
type TakeAnswer =
    /// The cost was taken; the call may go out.
    | Granted
    /// Not enough in the bucket; ask again after this long (nothing was taken).
    | Wait of TimeSpan
    /// The store could not be asked (a database outage); the call goes out rather than failing.
    | Unavailable of reason: string

/// Where bucket levels live: in memory (one process, SQLite) or in PostgreSQL (shared by every replica). Each
/// function is one atomic step; no lock is held while the provider call runs.
type BudgetStore = {
    /// Takes a cost from a bucket now, or says how long to wait.
    Take: string -> BucketLimit -> BucketCost -> CancellationToken -> Task<TakeAnswer>
    /// Gives tokens back to a bucket (a negative amount takes more) once a call reported its usage.
    Settle: string -> BucketLimit -> float -> CancellationToken -> Task
}

/// PROVIDER_LIMITS: `provider[:model]=<n>rpm|rps[/<n>tpm|tps]`, entries separated by commas, e.g.
/// `gemini=60rpm/1000000tpm,openrouter:meta-llama/llama-3.1-8b-instruct=20rpm`.
[<RequireQualifiedAccess>]
module ProviderLimits =
    /// No limits: every call goes out at once.
    let none = { Buckets = Map.empty }

    /// True when nothing is limited.
    let isEmpty (l: ProviderLimits) = l.Buckets.IsEmpty

    /// How much longer than its window a limit's refill is spread over: a call may reach the provider a little
    /// after it took its budget (2 s a minute), and no window the provider counts may see more than `n`.
    let margin = 31.0 / 30.0

    /// The bucket of a limit of `n` per `window` seconds: a burst of `n`/60 (at least 1) goes at once and the rest
    /// refills evenly over the window and its margin, so no window of that length, even one that starts up to 1/30
    /// of it late, admits more than `n` (capacity + rate × window × margin = n). 60 rpm: 1 at once, 57.1 a minute.
    let rate (n: float) (windowSeconds: float) =
        let burst = max 1.0 (floor (n / 60.0))
        let refill = if n > burst then n - burst else n

        {
            Capacity = burst
            PerSecond = refill / (windowSeconds * margin)
        }

    let private units = [
        "rpm", (true, 60.0)
        "rps", (true, 1.0)
        "tpm", (false, 60.0)
        "tps", (false, 1.0)
    ]

    let private amount (entry: string) (part: string) =
        let part = part.Trim().ToLowerInvariant()

        match units |> List.tryFind (fun (u, _) -> part.EndsWith u) with
        | None ->
            Error {
                Entry = entry
                Problem = $"'{String.truncate 24 part}' needs a unit: rpm, rps, tpm or tps"
            }
        | Some(unit, (isRequests, window)) ->
            let digits = part.Substring(0, part.Length - unit.Length)

            match Int64.TryParse digits with
            | true, n when n >= 1L && n <= 1_000_000_000L -> Ok(isRequests, rate (float n) window)
            | _ ->
                Error {
                    Entry = entry
                    Problem = $"'{String.truncate 24 part}' needs a whole number from 1 to 1000000000 before {unit}"
                }

    let private limitOf (entry: string) (parts: string list) =
        let rec fold (acc: BucketLimit) parts =
            match parts with
            | [] -> Ok acc
            | part :: rest ->
                match amount entry part with
                | Error e -> Error e
                | Ok(true, _) when acc.Requests.IsSome ->
                    Error {
                        Entry = entry
                        Problem = "names requests twice"
                    }
                | Ok(false, _) when acc.Tokens.IsSome ->
                    Error {
                        Entry = entry
                        Problem = "names tokens twice"
                    }
                | Ok(true, r) -> fold { acc with Requests = Some r } rest
                | Ok(false, r) -> fold { acc with Tokens = Some r } rest

        fold { Requests = None; Tokens = None } parts

    let private entryOf (providers: string list) (entry: string) =
        match entry.IndexOf '=' with
        | i when i > 0 && i < entry.Length - 1 ->
            let key = entry.Substring(0, i).Trim()
            let values = entry.Substring(i + 1).Split('/') |> List.ofArray

            let provider, model =
                match key.IndexOf ':' with
                | j when j >= 0 -> key.Substring(0, j).ToLowerInvariant(), Some(key.Substring(j + 1))
                | _ -> key.ToLowerInvariant(), None

            if not (List.contains provider providers) then
                let known = String.Join(", ", providers)

                Error {
                    Entry = entry
                    Problem = $"unknown provider '{String.truncate 24 provider}' (known: {known})"
                }
            elif model |> Option.exists String.IsNullOrWhiteSpace then
                Error {
                    Entry = entry
                    Problem = "names no model after ':'"
                }
            else
                let bucket =
                    match model with
                    | Some m -> $"{provider}:{m}"
                    | None -> provider

                limitOf entry values |> Result.map (fun limit -> bucket, limit)
        | _ ->
            Error {
                Entry = entry
                Problem = "must be provider[:model]=<n>rpm[/<n>tpm]"
            }

    /// Reads PROVIDER_LIMITS for the known provider names; blank is no limits; a key named twice is an error.
    let parse (providers: string list) (text: string option) : Result<ProviderLimits, LimitsError> =
        let entries =
            text
            |> Option.map (fun s ->
                s.Split(',', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries))
            |> Option.defaultValue [||]
            |> List.ofArray

        let rec fold (acc: Map<string, BucketLimit>) entries =
            match entries with
            | [] -> Ok { Buckets = acc }
            | entry :: rest ->
                match entryOf providers entry with
                | Error e -> Error e
                | Ok(bucket, _) when acc.ContainsKey bucket ->
                    Error {
                        Entry = entry
                        Problem = $"'{bucket}' is limited twice"
                    }
                | Ok(bucket, limit) -> fold (acc.Add(bucket, limit)) rest

        fold Map.empty entries

    /// One line: "entry: problem".
    let describeError (e: LimitsError) =
        $"'{String.truncate 80 e.Entry}': {e.Problem}"

    /// The bucket a call to a model on a provider draws from: the model's own entry when there is one, else the
    /// provider's, else none (not limited). One bucket per call, so one atomic update takes its budget.
    let bucketFor (limits: ProviderLimits) (provider: string) (model: string) =
        let own = $"{provider}:{model}"

        match limits.Buckets.TryFind own with
        | Some l -> Some(own, l)
        | None -> limits.Buckets.TryFind provider |> Option.map (fun l -> provider, l)

    /// Output tokens assumed for a chat request that states no maximum.
    let defaultMaxTokens = 1024

    /// Tokens a chat request is assumed to use before it runs: its prompt at four characters a token plus its
    /// output maximum. The estimate is taken up front and settled with the reported usage afterwards.
    let estimate (request: ChatRequest) =
        (request.System.Length + request.User.Length + 3) / 4
        + defaultArg request.MaxTokens defaultMaxTokens

    /// What a chat call takes: one request and its estimated tokens.
    let chatCost (request: ChatRequest) : BucketCost = {
        Requests = 1.0
        Tokens = float (estimate request)
    }

    /// What an image call takes: one request, no tokens.
    let imageCost: BucketCost = { Requests = 1.0; Tokens = 0.0 }

    /// Tokens to give back once a call reports its usage (estimate − input − output); 0 when nothing was reported.
    let refund (cost: BucketCost) (usage: TokenUsage) =
        if usage.Input + usage.Output > 0 then
            cost.Tokens - float (usage.Input + usage.Output)
        else
            0.0
