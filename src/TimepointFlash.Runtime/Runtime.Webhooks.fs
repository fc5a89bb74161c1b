namespace TimepointFlash.Runtime

open System
open System.Diagnostics
open System.IO
open System.Net
open System.Net.Http
open System.Net.Sockets
open System.Text
open System.Text.Json.Nodes
open System.Threading
open System.Threading.Tasks
open TimepointFlash
open TimepointFlash.Persistence

/// A callback URL refused at send time (a resolved address in a forbidden range, or a scheme no longer allowed).
exception CallbackRefused of refusal: CallbackRefusal

/// Sends webhook deliveries: SSRF-checked connections, signed bodies, durable retries.
[<RequireQualifiedAccess>]
module WebhookSender =
    /// Time one attempt may take.
    let attemptTimeout = TimeSpan.FromSeconds 10.0

    /// Resolves the host at connect time and refuses forbidden addresses unless the host is allowed; connects to
    /// the checked addresses only, so a name cannot be re-resolved to another address between check and connect.
    let private connect (allow: CallbackAllowList) (ctx: SocketsHttpConnectionContext) (ct: CancellationToken) = task {
        let host = ctx.DnsEndPoint.Host
        let port = ctx.DnsEndPoint.Port

        let! addresses = task {
            match IPAddress.TryParse(host.Trim('[', ']')) with
            | true, ip -> return [ ip ]
            | _ ->
                let! found = Dns.GetHostAddressesAsync(host, ct)
                return List.ofArray found
        }

        let checkedAddresses =
            if CallbackRules.allows allow host port then
                Ok addresses
            else
                CallbackRules.checkAddresses host addresses

        match checkedAddresses with
        | Error r -> return raise (CallbackRefused r)
        | Ok addrs ->
            let socket = new Socket(SocketType.Stream, ProtocolType.Tcp, NoDelay = true)

            try
                do! socket.ConnectAsync(Array.ofList addrs, port, ct)
                return new NetworkStream(socket, true) :> Stream
            with e ->
                socket.Dispose()
                return! Task.FromException<Stream> e
    }

    /// An HTTP client for deliveries: no proxy, no redirects, every connection checked by the SSRF rules.
    let client (allow: CallbackAllowList) =
        let handler =
            new SocketsHttpHandler(
                AllowAutoRedirect = false,
                UseProxy = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes 1.0,
                ConnectTimeout = attemptTimeout
            )

        handler.ConnectCallback <-
            Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>>(fun ctx ct ->
                ValueTask<Stream>(connect allow ctx ct))

        new HttpClient(handler, Timeout = attemptTimeout)

    let rec private refusal (e: exn) =
        match e with
        | null -> None
        | CallbackRefused r -> Some r
        | e -> refusal e.InnerException

    /// One signed POST of a body; the answer as an attempt (never throws for network failures).
    let send
        (client: HttpClient)
        (allow: CallbackAllowList)
        (secret: string)
        (now: unit -> DateTimeOffset)
        (d: Delivery)
        (body: string)
        (ct: CancellationToken)
        : Task<DeliveryAttempt> =
        task {
            let started = now ()
            let clock = Stopwatch.StartNew()

            let attempt code error verdict = {
                Number = d.Attempts
                AttemptedAt = started
                StatusCode = code
                Error = error
                DurationMs = int clock.ElapsedMilliseconds
                Verdict = verdict
            }

            match CallbackRules.check allow d.Url with
            | Error r -> return attempt None (Some $"refused: {CallbackRules.describe r}") AttemptVerdict.GiveUp
            | Ok uri ->
                let timestamp = started.ToUnixTimeSeconds()
                use request = new HttpRequestMessage(HttpMethod.Post, uri)
                request.Content <- new StringContent(body, Encoding.UTF8, "application/json")

                request.Headers.TryAddWithoutValidation(Webhooks.timestampHeader, string timestamp)
                |> ignore

                request.Headers.TryAddWithoutValidation(Webhooks.signatureHeader, Webhooks.sign secret timestamp body)
                |> ignore

                request.Headers.TryAddWithoutValidation(Webhooks.idempotencyHeader, string d.Id)
                |> ignore

                request.Headers.TryAddWithoutValidation(
                    "User-Agent",
                    $"TimepointFlash-Webhooks/{TimepointFlash.Engines.Version.current}"
                )
                |> ignore

                try
                    use! response = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct)
                    let code = int response.StatusCode
                    let verdict = Webhooks.verdict code

                    let error =
                        match verdict with
                        | AttemptVerdict.Delivered -> None
                        | _ when code >= 300 && code < 400 -> Some "redirects are not followed"
                        | _ -> Some $"the receiver answered {code}"

                    return attempt (Some code) error verdict
                with
                | e when (refusal e).IsSome ->
                    let r = (refusal e).Value
                    return attempt None (Some $"refused: {CallbackRules.describe r}") AttemptVerdict.GiveUp
                | :? TaskCanceledException when not ct.IsCancellationRequested ->
                    return attempt None (Some "timed out") AttemptVerdict.Retry
                | :? HttpRequestException as e ->
                    let reason =
                        match e.InnerException with
                        | :? SocketException as s -> string s.SocketErrorCode
                        | _ -> "the connection failed"

                    return attempt None (Some $"connection failed: {reason}") AttemptVerdict.Retry
        }

/// The delivery loop: activates deliveries of finished runs, claims, freezes the body, sends, records.
[<RequireQualifiedAccess>]
module WebhookWorker =
    /// Lease of a claimed delivery (longer than one attempt).
    let lease = TimeSpan.FromSeconds 60.0

    let private contextOf (d: Delivery) =
        d.RequestContext
        |> Option.bind (fun text ->
            try
                Option.ofObj (JsonNode.Parse text)
            with _ ->
                None)

    /// Delivers one claimed delivery and records the attempt.
    let private deliver
        (store: DeliveryStore)
        (getTimepoint: Guid -> Task<Timepoint option>)
        (settings: WebhookSettings)
        (client: HttpClient)
        (d: Delivery)
        (ct: CancellationToken)
        =
        task {
            let now () = DateTimeOffset.UtcNow

            let giveUp reason = {
                Number = d.Attempts
                AttemptedAt = now ()
                StatusCode = None
                Error = Some reason
                DurationMs = 0
                Verdict = AttemptVerdict.GiveUp
            }

            let! body = task {
                match d.Payload with
                | Some b -> return Ok b
                | None ->
                    match! getTimepoint d.TimepointId with
                    | None -> return Error "the timepoint no longer exists"
                    | Some t ->
                        match! store.Freeze d.Id (Webhooks.payload t (contextOf d)) with
                        | Ok b -> return Ok b
                        | Error e -> return raise (StoreFailure e)
            }

            let! attempt = task {
                match body, settings.Secret with
                | Error reason, _ -> return giveUp reason
                | Ok _, None -> return giveUp "WEBHOOK_SECRET is not set"
                | Ok b, Some secret -> return! WebhookSender.send client settings.AllowHosts secret now d b ct
            }

            let next =
                match attempt.Verdict with
                | AttemptVerdict.Retry ->
                    let first = d.FirstAttemptAt |> Option.defaultValue attempt.AttemptedAt
                    Webhooks.nextAttempt settings.RetryBase first (now ()) d.Attempts
                | _ -> None

            return! store.Record d attempt next
        }

    /// Runs the loop until cancelled; idle polling backs off from 100 ms to 1 s.
    let run
        (store: DeliveryStore)
        (getTimepoint: Guid -> Task<Timepoint option>)
        (settings: WebhookSettings)
        (log: string -> unit)
        (ct: CancellationToken)
        : Task =
        task {
            use client = WebhookSender.client settings.AllowHosts
            let workerId = $"{Environment.MachineName}/{Environment.ProcessId}/webhooks"
            let minIdle = TimeSpan.FromMilliseconds 100.0
            let maxIdle = TimeSpan.FromSeconds 1.0
            let mutable idle = minIdle

            let rest () = task {
                try
                    do! Task.Delay(idle, ct)
                with :? OperationCanceledException ->
                    ()

                idle <- TimeSpan.FromTicks(min maxIdle.Ticks (idle.Ticks * 2L))
            }

            while not ct.IsCancellationRequested do
                try
                    let! _ = store.Activate()

                    match! store.Claim workerId lease with
                    | Ok(Some d) ->
                        match! deliver store getTimepoint settings client d ct with
                        | Ok _ -> ()
                        | Error e -> log $"webhook delivery {d.Id}: {DbError.describe e}"

                        idle <- minIdle
                    | Ok None -> do! rest ()
                    | Error e ->
                        log $"webhook deliveries: {DbError.describe e}"
                        do! rest ()
                with
                | :? OperationCanceledException when ct.IsCancellationRequested -> ()
                | e ->
                    log $"webhook deliveries: {e.GetType().Name}: {e.Message}"
                    do! rest ()
        }
