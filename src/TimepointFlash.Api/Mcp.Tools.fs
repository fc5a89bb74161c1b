namespace TimepointFlash.Api

open System
open System.Collections.Generic
open System.Text.Json
open System.Text.Json.Nodes
open System.Threading
open System.Threading.Tasks
open TimepointFlash

/// What the MCP tools need: the application services of the composition root, and the host's stop token (runs
/// are tied to the host, not to the client's request).
type McpDeps = {
    App: AppEnv
    /// Chat, dialog extension and survey with the people of a scene.
    Interact: Interactions
    Stopping: CancellationToken
}

/// Why a tool call was refused: rendered as a tool result with isError, never as a transport failure.
[<RequireQualifiedAccess>]
type ToolError =
    | Missing of argument: string
    | Invalid of argument: string * problem: string
    | NotFound of what: string
    | App of AppError
    | Interact of InteractError
    /// Arguments refused by the API's own request decoders.
    | Arguments of DecodeError list
    | UnknownTool of name: string

/// A progress report of a running tool: finished steps of a total, with a message.
type ToolProgress = {
    Done: int
    Total: int
    Message: string
}

/// What a tool answers: a JSON value (structured content) and a text for the model.
type ToolAnswer = { Structured: JsonNode; Text: string }

/// One MCP tool: its name, description, JSON schema and body.
type McpTool = {
    Name: string
    Description: string
    /// JSON Schema of the arguments (an object schema).
    Schema: string
    Run:
        McpDeps
            -> IDictionary<string, JsonElement>
            -> (ToolProgress -> Task)
            -> CancellationToken
            -> Task<Result<ToolAnswer, ToolError>>
}

/// The tools: generate_timepoint, get_timepoint, search_timepoints, navigate_time — each calls the same
/// application services as the HTTP handlers.
[<RequireQualifiedAccess>]
module McpTools =
    /// One line for a refusal.
    let describe =
        function
        | ToolError.Missing a -> $"'{a}' is required"
        | ToolError.Invalid(a, p) -> $"'{a}' {p}"
        | ToolError.NotFound w -> $"{w} not found"
        | ToolError.App(AppError.NotFound w) -> $"{w} not found"
        | ToolError.App(AppError.NotCompleted(id, status)) ->
            $"timepoint {id} is {TimepointStatus.name status}; only completed timepoints can be navigated from"
        | ToolError.App(AppError.Temporal e) -> $"cannot reach the target date: {TemporalError.describe e}"
        | ToolError.App(AppError.NoDate id) -> $"timepoint {id} has no date to navigate from"
        | ToolError.UnknownTool n -> $"unknown tool '{n}'"
        | ToolError.Arguments errors -> DecodeError.describeAll errors
        | ToolError.Interact InteractError.TimepointNotFound -> "timepoint not found"
        | ToolError.Interact(InteractError.NotCompleted status) ->
            $"the timepoint is {TimepointStatus.name status}; its characters can be talked to once it has completed"
        | ToolError.Interact(InteractError.CharacterNotFound(name, cast)) ->
            let names = cast |> List.map (fun n -> $"'{n}'") |> String.concat ", "
            $"character '{String.truncate 200 name}' not found; available: {names}"
        | ToolError.Interact InteractError.SessionNotFound -> "session not found"
        | ToolError.Interact(InteractError.SessionOfAnotherTimepoint _) -> "the session belongs to another timepoint"
        | ToolError.Interact(InteractError.SessionOfAnotherCharacter name) ->
            $"the session is a conversation with {name}"
        | ToolError.Interact(InteractError.Agent e) -> $"the model failed: {AgentError.describe e}"

    let private arg (args: IDictionary<string, JsonElement>) (name: string) =
        match args with
        | null -> None
        | a ->
            match a.TryGetValue name with
            | true, v when v.ValueKind <> JsonValueKind.Null && v.ValueKind <> JsonValueKind.Undefined -> Some v
            | _ -> None

    let private text args name : Result<string option, ToolError> =
        match arg args name with
        | None -> Ok None
        | Some v when v.ValueKind = JsonValueKind.String -> Ok(Some(v.GetString()))
        | Some _ -> Error(ToolError.Invalid(name, "must be a string"))

    /// A required non-blank string argument.
    let required args name =
        text args name
        |> Result.bind (function
            | Some s when not (String.IsNullOrWhiteSpace s) -> Ok s
            | _ -> Error(ToolError.Missing name))

    let private flag args name fallback : Result<bool, ToolError> =
        match arg args name with
        | None -> Ok fallback
        | Some v when v.ValueKind = JsonValueKind.True -> Ok true
        | Some v when v.ValueKind = JsonValueKind.False -> Ok false
        | Some _ -> Error(ToolError.Invalid(name, "must be true or false"))

    let private number args name fallback lo hi : Result<int, ToolError> =
        match arg args name with
        | None -> Ok fallback
        | Some v when v.ValueKind = JsonValueKind.Number ->
            match v.TryGetInt32() with
            | true, n when n >= lo && n <= hi -> Ok n
            | _ -> Error(ToolError.Invalid(name, $"must be a whole number from {lo} to {hi}"))
        | Some _ -> Error(ToolError.Invalid(name, $"must be a whole number from {lo} to {hi}"))

    /// A query: 3–500 characters after trimming, as the API requires.
    let private query args =
        required args "query"
        |> Result.bind (fun q ->
            let q = q.Trim()
            let lo, hi = Dto.queryLength

            if q.Length < lo || q.Length > hi then
                Error(ToolError.Invalid("query", $"must be between {lo} and {hi} characters"))
            elif
                q
                |> Seq.exists (fun c -> Char.IsControl c && c <> '\n' && c <> '\t' && c <> '\r')
            then
                Error(ToolError.Invalid("query", "must not contain control characters"))
            else
                Ok q)

    /// Generation presets a request may name.
    let presets = TimepointFlash.Engines.Presets.names

    /// Finds a timepoint by id or slug.
    let find (app: AppEnv) (idOrSlug: string) = task {
        match Guid.TryParse(idOrSlug.Trim()) with
        | true, id -> return! app.Store.Get id
        | _ -> return! app.Store.GetBySlug(idOrSlug.Trim())
    }

    let private links (t: Timepoint) =
        Encode.obj [
            "id", Encode.string (string t.Id)
            "slug", Encode.string t.Slug
            "status", Encode.string (TimepointStatus.name t.Status)
            "status_url", Encode.string $"/api/v1/timepoints/{t.Id}"
            "events_url", Encode.string $"/api/v1/timepoints/{t.Id}/events"
            "resource_uri", Encode.string $"timepoint://{t.Id}"
            "markdown_uri", Encode.string $"timepoint://{t.Id}/markdown"
        ]

    let private scene (t: Timepoint) = {
        Structured = TimepointWire.encode true t
        Text = McpSummary.markdown t
    }

    /// Reports finished steps as progress (the total grows when an optional step such as grounding runs).
    let private observer (report: ToolProgress -> Task) (total: int) =
        let finished = ref 0

        let next () =
            Interlocked.Increment &finished.contents

        fun (r: StepRecord) ->
            match r.Status with
            | StepStatus.Completed ->
                let n = next ()
                let ms = defaultArg r.LatencyMs 0L

                report {
                    Done = n
                    Total = max total n
                    Message = $"{Step.name r.Step} done ({ms} ms)"
                }
            | StepStatus.Failed ->
                let n = next ()
                let why = r.Error |> Option.map (fun e -> e.Message) |> Option.defaultValue "failed"

                report {
                    Done = n
                    Total = max total n
                    Message = $"{Step.name r.Step} failed: {why}"
                }
            | StepStatus.Waiting ->
                report {
                    Done = finished.Value
                    Total = max total finished.Value
                    Message = $"{Step.name r.Step} waiting for provider budget"
                }
            | StepStatus.Started -> Task.CompletedTask

    let private totalSteps (app: AppEnv) generateImage =
        Steps.expected (Pipeline.plan app.Pipeline generateImage)

    /// The generation control of a tool's `preset` and `grounding` arguments.
    let private controlOf (preset: string option) (grounding: GroundingMode option) = {
        GenerationControl.none with
            Preset = preset |> Option.map (fun p -> p.Trim().ToLowerInvariant())
            Grounding = grounding
    }

    /// The `grounding` argument, read by the decoder the REST generate bodies use.
    let private grounding args : Result<GroundingMode option, ToolError> =
        match arg args "grounding" with
        | None -> Ok None
        | Some v ->
            match GroundingMode.decoder "grounding" v with
            | Ok m -> Ok(Some m)
            | Error _ -> Error(ToolError.Invalid("grounding", $"must be one of {GroundingMode.allowed}"))

    let private generate: McpTool = {
        Name = "generate_timepoint"
        Description =
            "Generate a historically grounded scene for a moment in time (e.g. 'the signing of the Magna Carta, 1215'). "
            + "Returns the id, slug, status and URLs at once; with wait=true it runs to the end, reports each pipeline "
            + "step as a progress notification and returns the finished scene."
        Schema =
            """{"type":"object","properties":{"query":{"type":"string","minLength":3,"maxLength":500,"description":"The moment: event, place and/or date"},"generate_image":{"type":"boolean","default":false,"description":"Also draw an image"},"preset":{"type":"string","enum":"""
            + Encode.toString (Encode.list Encode.string presets)
            + ""","description":"Generation preset: its models, limits and thinking (default: the server's DEFAULT_PRESET)"},"wait":{"type":"boolean","default":false,"description":"Wait for the scene, with progress notifications"},"grounding":{"type":"string","enum":"""
            + Encode.toString (Encode.list Encode.string (GroundingMode.all |> List.map GroundingMode.name))
            + ""","description":"Check a real event against sources: auto (when the provider can search), on or off (default: the server's GROUNDING)"}},"required":["query"],"additionalProperties":false}"""
        Run =
            fun deps args report _ -> task {
                let parsed =
                    match
                        query args,
                        flag args "generate_image" false,
                        flag args "wait" false,
                        text args "preset",
                        grounding args
                    with
                    | Error e, _, _, _, _
                    | _, Error e, _, _, _
                    | _, _, Error e, _, _
                    | _, _, _, Error e, _
                    | _, _, _, _, Error e -> Error e
                    | Ok _, Ok _, Ok _, Ok(Some p), _ when not (List.contains (p.Trim().ToLowerInvariant()) presets) ->
                        let allowed = String.concat ", " presets
                        Error(ToolError.Invalid("preset", $"must be one of {allowed}"))
                    | Ok q, Ok image, Ok wait, Ok preset, Ok mode -> Ok(q, image, wait, controlOf preset mode)

                match parsed with
                | Error e -> return Error e
                | Ok(q, image, false, control) ->
                    let! t = Generation.enqueueWith deps.App None control q image

                    return
                        Ok {
                            Structured = links t
                            Text =
                                $"Generation started: {t.Id} (slug {t.Slug}). Read timepoint://{t.Id} when it is completed."
                        }
                | Ok(q, image, true, control) ->
                    let observe = observer report (totalSteps deps.App image)
                    let! t = Generation.runNowWith deps.App control observe q image deps.Stopping
                    return Ok(scene t)
            }
    }

    let private get: McpTool = {
        Name = "get_timepoint"
        Description =
            "Get one scene by id or slug: the full timepoint as structured content and a short Markdown summary."
        Schema =
            """{"type":"object","properties":{"id":{"type":"string","description":"Timepoint id (uuid) or slug"}},"required":["id"],"additionalProperties":false}"""
        Run =
            fun deps args _ _ -> task {
                match required args "id" with
                | Error e -> return Error e
                | Ok id ->
                    match! find deps.App id with
                    | None -> return Error(ToolError.NotFound $"timepoint '{String.truncate 80 id}'")
                    | Some t -> return Ok(scene t)
            }
    }

    let private search: McpTool = {
        Name = "search_timepoints"
        Description = "Search stored scenes by text (query or place) and status, newest first, one page at a time."
        Schema =
            """{"type":"object","properties":{"text":{"type":"string","description":"Words to look for"},"status":{"type":"string","enum":["pending","processing","completed","failed"]},"page":{"type":"integer","minimum":1,"default":1},"page_size":{"type":"integer","minimum":1,"maximum":100,"default":20}},"additionalProperties":false}"""
        Run =
            fun deps args _ _ -> task {
                let parsed =
                    match
                        text args "text",
                        text args "status",
                        number args "page" 1 1 1_000_000,
                        number args "page_size" 20 1 100
                    with
                    | Error e, _, _, _
                    | _, Error e, _, _
                    | _, _, Error e, _
                    | _, _, _, Error e -> Error e
                    | Ok _, Ok(Some s), Ok _, Ok _ when (TimepointStatus.tryParse s).IsNone ->
                        Error(ToolError.Invalid("status", "must be pending, processing, completed or failed"))
                    | Ok search, Ok status, Ok page, Ok size ->
                        Ok {
                            Page = page
                            PageSize = size
                            Status = status |> Option.bind TimepointStatus.tryParse
                            Search = search |> Option.bind String.nonBlank
                            After = None
                        }

                match parsed with
                | Error e -> return Error e
                | Ok q ->
                    let! page = deps.App.Store.ListSummaries q

                    let node =
                        Encode.obj [
                            "items", Encode.list TimepointWire.encodeSummary page.Items
                            "total", Encode.int64 page.Total
                            "page", Encode.int page.Page
                            "page_size", Encode.int page.PageSize
                        ]

                    let lines =
                        page.Items
                        |> List.map (fun s -> $"- `{s.Id}` {s.Query} ({TimepointStatus.name s.Status})")

                    return
                        Ok {
                            Structured = node
                            Text = String.concat "\n" ($"{page.Total} scene(s); page {page.Page}:" :: lines)
                        }
            }
    }

    let private navigate: McpTool = {
        Name = "navigate_time"
        Description =
            "Travel from a completed scene to a later (next) or earlier (prior) moment at the same place: generates "
            + "the new scene, linked to the source. wait=true (default) returns it with progress notifications."
        Schema =
            """{"type":"object","properties":{"id":{"type":"string","description":"Source timepoint id or slug"},"direction":{"type":"string","enum":["next","prior"]},"units":{"type":"integer","minimum":1,"maximum":365,"default":1},"unit":{"type":"string","enum":["second","minute","hour","day","week","month","year"],"default":"day"},"wait":{"type":"boolean","default":true}},"required":["id","direction"],"additionalProperties":false}"""
        Run =
            fun deps args report _ -> task {
                let direction =
                    required args "direction"
                    |> Result.bind (fun d ->
                        match d.Trim().ToLowerInvariant() with
                        | "next" -> Ok Direction.Next
                        | "prior" -> Ok Direction.Prior
                        | _ -> Error(ToolError.Invalid("direction", "must be next or prior")))

                let unit =
                    text args "unit"
                    |> Result.bind (function
                        | None -> Ok TimeUnit.Day
                        | Some u ->
                            TimeUnit.parse u
                            |> Result.mapError (fun _ ->
                                ToolError.Invalid("unit", "must be second, minute, hour, day, week, month or year")))

                match required args "id", direction, number args "units" 1 1 365, unit, flag args "wait" true with
                | Error e, _, _, _, _
                | _, Error e, _, _, _
                | _, _, Error e, _, _
                | _, _, _, Error e, _
                | _, _, _, _, Error e -> return Error e
                | Ok idText, Ok dir, Ok units, Ok u, Ok wait ->
                    match! find deps.App idText with
                    | None -> return Error(ToolError.NotFound $"timepoint '{String.truncate 80 idText}'")
                    | Some source when wait ->
                        let observe = observer report (totalSteps deps.App false)

                        match! Navigation.run deps.App observe source.Id dir units u deps.Stopping with
                        | Error e -> return Error(ToolError.App e)
                        | Ok o ->
                            let node = AppWire.navigation o.Source o.Target dir units u
                            let answer = scene o.Target
                            node.AsObject()["target"] <- answer.Structured

                            return
                                Ok {
                                    Structured = node
                                    Text = answer.Text
                                }
                    | Some source ->
                        match! Navigation.enqueue deps.App source.Id dir units u with
                        | Error e -> return Error(ToolError.App e)
                        | Ok target ->
                            let node = AppWire.navigation source { target with Point = None } dir units u
                            node.AsObject()["target"] <- links target

                            return
                                Ok {
                                    Structured = node
                                    Text = $"Navigation started: {target.Id}."
                                }
            }
    }

    /// The scene tools, in the order clients list them.
    let all = [ generate; get; search; navigate ]
