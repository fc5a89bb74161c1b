namespace TimepointFlash.Cli

open System
open System.IO
open System.Net.Http
open System.Text
open System.Text.Json.Nodes
open System.Threading.Tasks
open TimepointFlash
open RemoteHttp

/// A server's SSE streams: generation progress and interaction events.
module internal RemoteStream =
    /// A step that is going well: finished (`latency_ms`) or waiting for provider budget (`wait_ms`).
    let private going (msg: JsonNode) (waiting: bool) (milliseconds: string) =
        let data = msg["data"]

        Some {
            Step = text msg "step" |> Option.defaultValue "?"
            Ok = true
            Waiting = waiting
            LatencyMs =
                text data milliseconds
                |> Option.bind (fun s ->
                    match Int64.TryParse s with
                    | true, v -> Some v
                    | _ -> None)
            Model = text data "model_used"
            Error = None
        }

    let private progressOf (msg: JsonNode) =
        match text msg "event" with
        | Some "step_complete" -> going msg false "latency_ms"
        | Some "step_waiting" -> going msg true "wait_ms"
        | Some "step_error" ->
            Some {
                Step = text msg "step" |> Option.defaultValue "?"
                Ok = false
                Waiting = false
                LatencyMs = None
                Model = None
                Error = text msg "error"
            }
        | _ -> None

    /// Reads an SSE response, reporting progress; returns the `done` data or the `error` message.
    let readStream (stream: Stream) (report: StepEvent -> unit) = task {
        use reader = new StreamReader(stream)
        let mutable result = Error(CliError.Failed "the stream ended without a result")
        let mutable reading = true

        while reading do
            let! line = reader.ReadLineAsync()

            match line with
            | null -> reading <- false
            | l when l.StartsWith "data: " ->
                let msg = JsonNode.Parse(l.Substring 6)
                progressOf msg |> Option.iter (StepEvent.Ended >> report)

                match text msg "event" with
                | Some "done" ->
                    result <- Ok msg["data"]
                    reading <- false
                | Some "error" ->
                    result <- Error(CliError.Failed(text msg "error" |> Option.defaultValue "generation failed"))
                    reading <- false
                | _ -> ()
            | _ -> ()

        return result
    }

    /// Reads an interaction stream: each event on to `onEvent` (an `error` one only once something follows it, as a
    /// survey's failed answer), then the `done` frame's result, or the last error when the stream ends without one.
    let private readInteraction (stream: Stream) (onEvent: string * JsonNode -> unit) = task {
        use reader = new StreamReader(stream)
        let mutable result = None
        let mutable pending: JsonNode option = None
        let mutable reading = true

        let flush () =
            pending |> Option.iter (fun p -> onEvent ("error", p))
            pending <- None

        while reading do
            let! line = reader.ReadLineAsync()

            match line with
            | null -> reading <- false
            | l when l.StartsWith "data: " ->
                let msg = JsonNode.Parse(l.Substring 6)
                let data = msg["data"] |> Option.ofObj |> Option.map (fun d -> d.DeepClone())

                match text msg "event", data with
                | Some "done", Some d ->
                    flush ()
                    result <- d["result"] |> Option.ofObj |> Option.map (fun r -> r.DeepClone())
                    reading <- false
                | Some "error", d ->
                    flush ()
                    pending <- Some(d |> Option.defaultWith (fun () -> Encode.string "the interaction failed"))
                | Some e, Some d ->
                    flush ()
                    onEvent (e, d)
                | _ -> ()
            | _ -> ()

        match result, pending with
        | Some r, _ -> return Ok r
        | None, Some p -> return Error(CliError.Failed(p.ToString()))
        | None, None -> return Error(CliError.Failed "the stream ended without a result")
    }

    /// POSTs an interaction body to its stream route (`dialog` or `survey`) and reads the events.
    let interaction (http: HttpClient) (route: string) (key: string) (body: JsonNode) onEvent = task {
        match! resolve http key with
        | Error e -> return Error e
        | Ok id ->
            try
                let req =
                    new HttpRequestMessage(HttpMethod.Post, $"/api/v1/interactions/{id}/{route}/stream")

                req.Content <- new StringContent(Encode.toString body, Encoding.UTF8, "application/json")
                use! resp = http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, Interrupt.token ())

                if resp.IsSuccessStatusCode then
                    let! stream = resp.Content.ReadAsStreamAsync()
                    return! readInteraction stream onEvent
                else
                    let! b = resp.Content.ReadAsStringAsync()
                    return Error(refusal (int resp.StatusCode) b)
            with :? HttpRequestException as e ->
                return Error(CliError.Unreachable e.Message)
    }
