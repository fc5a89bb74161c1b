module TimepointFlash.Cli.Program

open System
open System.IO
open System.Net.Http
open System.Text.Json.Nodes
open System.Threading.Tasks
open Argu
open TimepointFlash
open TimepointFlash.Runtime

/// Exit codes: 0 success, 1 failed or rejected, 2 usage error, 130 interrupted by Ctrl-C.
module Exit =
    let ok = 0
    let failed = 1
    let usage = 2
    let interrupted = Interrupt.exitCode

let private out (node: JsonNode) =
    Console.Out.WriteLine(Encode.toIndentedString node)

let private mcp (args: ParseResults<McpArgs>) : Task<int> =
    match args.TryGetResult McpArgs.Server with
    | None -> McpCommand.embedded ()
    | Some url ->
        match Uri.TryCreate(url, UriKind.Absolute) with
        | true, u when u.Scheme = "http" || u.Scheme = "https" ->
            McpCommand.remote
                u
                (Runtime.environment () "TPFLASH_API_KEY"
                 |> Option.bind TimepointFlash.String.nonBlank)
        | _ ->
            Console.Error.WriteLine $"tpflash: --server must be an http(s) URL, got '{url}'"
            Task.FromResult Exit.usage

let private fail (e: CliError) =
    Console.Error.WriteLine("tpflash: " + CliError.describe e)

    match e with
    | CliError.Invalid _ -> Exit.usage
    | _ -> Exit.failed

let private backend (server: string option) : Task<Result<Backend, CliError>> = task {
    match server with
    | Some url ->
        match Uri.TryCreate(url, UriKind.Absolute) with
        | true, u when u.Scheme = "http" || u.Scheme = "https" ->
            let key =
                Runtime.environment () "TPFLASH_API_KEY"
                |> Option.bind TimepointFlash.String.nonBlank

            return Ok(Remote.create u key)
        | _ -> return Error(CliError.Invalid $"--server must be an http(s) URL, got '{url}'")
    | None ->
        match! Runtime.start ignore (fun _ -> Task.CompletedTask) with
        | Error(StartError.Database e) -> return Error(CliError.Storage e)
        | Error e -> return Error(CliError.Invalid(Runtime.describe e))
        | Ok services ->
            let info = services.Engine.Info

            let models () =
                let list, _ =
                    (info.ListModels false Threading.CancellationToken.None).GetAwaiter().GetResult()

                Encode.obj [
                    "models", Encode.list id list
                    "total", Encode.int list.Length
                    "providers", info.Describe()
                ]

            return
                Ok(
                    Embedded.create
                        services.App
                        (InteractionServices.create services.Interact)
                        models
                        info.Name
                        info.IsOffline
                )
}

/// The one line saying the offline engine answers, for commands that generate, once their arguments are valid.
let private banner (b: Backend) =
    if b.Offline then
        Console.Error.WriteLine "tpflash: no provider key is configured; using the offline engine."

let private isFailed (t: JsonNode) =
    match t["status"] with
    | null -> false
    | s -> s.ToString() = "failed"

let private show json (t: JsonNode) =
    if json then
        out t
    else
        Console.Out.WriteLine(Render.summary t)

/// Runs a command on the backend; a database that fails (at start or mid-command) is one line and exit 1.
let private withBackend server (f: Backend -> Task<int>) = task {
    match! backend server with
    | Error e -> return fail e
    | Ok b ->
        try
            return! f b
        with
        | StoreFailure e -> return fail (CliError.Storage e)
        | :? OperationCanceledException when Interrupt.requested () ->
            Console.Error.WriteLine "tpflash: interrupted (Ctrl-C); the generation is stored as failed."
            return Interrupt.exitCode
}

/// The generation control of `--preset`, `--text-model`, `--image-model`, `--temperature` and `--grounding`, checked as the API
/// checks a request body.
let private controlOf (args: ParseResults<GenerateArgs>) =
    let text (name: string) (value: string option) =
        value |> Option.map (fun v -> name, Encode.string v)

    let node =
        Encode.obj (
            [
                text "preset" (args.TryGetResult GenerateArgs.Preset)
                text "text_model" (args.TryGetResult GenerateArgs.Text_Model)
                text "image_model" (args.TryGetResult GenerateArgs.Image_Model)
                text "grounding" (args.TryGetResult GenerateArgs.Grounding)
                args.TryGetResult GenerateArgs.Temperature
                |> Option.map (fun t -> "llm_params", Encode.obj [ "temperature", Encode.float t ])
            ]
            |> List.choose id
        )

    Decode.fromNode (GenerationControl.decoder Engines.Presets.names) node
    |> Result.mapError (fun errors -> CliError.Invalid(DecodeError.describeAll errors))

let private generate (args: ParseResults<GenerateArgs>) =
    let json = args.Contains GenerateArgs.Json

    let query = String.Join(" ", args.GetResult GenerateArgs.Query).Trim()

    match controlOf args with
    | Error e -> Task.FromResult(fail e)
    | Ok _ when query.Length < 3 || query.Length > 500 ->
        Task.FromResult(fail (CliError.Invalid "the query must be 3 to 500 characters long"))
    | Ok control ->

        withBackend (args.TryGetResult GenerateArgs.Server) (fun b -> task {
            banner b
            use display = new LiveDisplay()
            let! outcome = b.Generate query (args.Contains GenerateArgs.Image) control display.Report
            display.Close(outcome |> Result.toOption)

            match outcome with
            | Error e -> return fail e
            | Ok t ->
                match args.TryGetResult GenerateArgs.Out with
                | Some dir ->
                    Directory.CreateDirectory dir |> ignore
                    let slug = t["slug"].ToString()
                    let file = Path.Combine(dir, slug + ".json")
                    File.WriteAllText(file, Encode.toIndentedString t)
                    Console.Error.WriteLine $"tpflash: wrote {Path.GetFullPath file}"

                    match Guid.TryParse(t["id"].ToString()) with
                    | true, id ->
                        match! b.Image id with
                        | Some img ->
                            let ext =
                                if img.MimeType.Contains "svg" then "svg"
                                elif img.MimeType.Contains "jpeg" then "jpg"
                                else "png"

                            let image = Path.Combine(dir, $"{slug}.{ext}")
                            File.WriteAllBytes(image, img.Bytes)
                            Console.Error.WriteLine $"tpflash: wrote {Path.GetFullPath image}"
                        | None -> ()
                    | _ -> ()
                | None -> ()

                show json t
                return if isFailed t then Exit.failed else Exit.ok
        })

let private listing (args: ParseResults<ListArgs>) =
    withBackend (args.TryGetResult ListArgs.Server) (fun b -> task {
        let status = args.TryGetResult ListArgs.Status

        let page = args.GetResult(ListArgs.Page, 1)
        let pageSize = args.GetResult(ListArgs.Page_Size, 20)

        match status |> Option.map TimepointStatus.tryParse with
        | Some None -> return fail (CliError.Invalid "--status must be pending, processing, completed or failed")
        | _ when page < 1 -> return fail (CliError.Invalid "--page starts at 1")
        | _ when pageSize < 1 || pageSize > 100 -> return fail (CliError.Invalid "--page-size must be 1 to 100")
        | parsed ->
            let q = {
                Page = page
                PageSize = pageSize
                Status = parsed |> Option.flatten
                Search = args.TryGetResult ListArgs.Search
                After = None
            }

            match! b.List q with
            | Error e -> return fail e
            | Ok page ->
                if args.Contains ListArgs.Json then
                    out page
                else
                    Console.Out.WriteLine(Render.listing page)

                return Exit.ok
    })

let private showOne (args: ParseResults<ShowArgs>) =
    withBackend (args.TryGetResult ShowArgs.Server) (fun b -> task {
        match! b.Get(args.GetResult ShowArgs.Id) with
        | Error e -> return fail e
        | Ok t ->
            show (args.Contains ShowArgs.Json) t
            return Exit.ok
    })

let private navigate direction (args: ParseResults<NavigateArgs>) =
    let json = args.Contains NavigateArgs.Json

    withBackend (args.TryGetResult NavigateArgs.Server) (fun b -> task {
        let units = args.GetResult(NavigateArgs.Units, 1)

        match TimeUnit.parse (args.GetResult(NavigateArgs.Unit, "day")) with
        | Error _ -> return fail (CliError.Invalid "--unit must be second, minute, hour, day, week, month or year")
        | Ok _ when units < 1 || units > 365 -> return fail (CliError.Invalid "--units must be between 1 and 365")
        | Ok unit ->
            banner b
            use display = new LiveDisplay()
            let! outcome = b.Navigate (args.GetResult NavigateArgs.Id) direction units unit display.Report
            display.Close(outcome |> Result.toOption |> Option.map snd)

            match outcome with
            | Error e -> return fail e
            | Ok(nav, target) ->
                if json then
                    out (Encode.obj [ "navigation", nav.DeepClone(); "target", target.DeepClone() ])
                else
                    Console.Out.WriteLine(nav["message"].ToString())
                    Console.Out.WriteLine(Render.summary target)

                return if isFailed target then Exit.failed else Exit.ok
    })

let private sequence (args: ParseResults<SequenceArgs>) =
    withBackend (args.TryGetResult SequenceArgs.Server) (fun b -> task {
        let limit = args.GetResult(SequenceArgs.Limit, 10)

        if limit < 1 || limit > 50 then
            return fail (CliError.Invalid "--limit must be between 1 and 50")
        else
            match!
                b.Sequence (args.GetResult SequenceArgs.Id) (args.GetResult(SequenceArgs.Direction, "both")) limit
            with
            | Error e -> return fail e
            | Ok s ->
                if args.Contains SequenceArgs.Json then
                    out s
                else
                    Console.Out.WriteLine(Render.sequence s)

                return Exit.ok
    })

/// Talks to a character: one message with --message, else a conversation read line by line until Ctrl-D.
let private chat (args: ParseResults<ChatArgs>) =
    let json = args.Contains ChatArgs.Json

    withBackend (args.TryGetResult ChatArgs.Server) (fun b -> task {
        let key = args.GetResult ChatArgs.Id
        let character = args.GetResult ChatArgs.Character

        let valid (m: string) =
            if String.IsNullOrWhiteSpace m then
                Error(CliError.Invalid "say something: the message is empty")
            elif m.Length > TimepointFlash.Agents.Chat.maxMessageLength then
                Error(
                    CliError.Invalid
                        $"the message is longer than {TimepointFlash.Agents.Chat.maxMessageLength} characters"
                )
            else
                Ok(m.Trim())

        let print (r: JsonNode) =
            if json then
                out r
            else
                let name = r["character_name"].ToString()
                let answer = r["response"].ToString()
                Console.Out.WriteLine($"{name}: {answer}")

        match args.TryGetResult ChatArgs.Message with
        | Some m ->
            match valid m with
            | Error e -> return fail e
            | Ok m ->
                match! b.Chat key character m None (args.Contains ChatArgs.Save) with
                | Error e -> return fail e
                | Ok r ->
                    print r
                    return Exit.ok
        | None ->
            let mutable session = None
            let mutable code = Exit.ok
            let mutable line = Console.In.ReadLine()

            while not (isNull line) && code = Exit.ok do
                match valid line with
                | Error _ -> ()
                | Ok m ->
                    match! b.Chat key character m session true with
                    | Error e -> code <- fail e
                    | Ok r ->
                        session <-
                            r["session_id"]
                            |> Option.ofObj
                            |> Option.bind (fun s ->
                                match Guid.TryParse(s.ToString()) with
                                | true, g -> Some g
                                | _ -> None)

                        print r

                line <- Console.In.ReadLine()

            return code
    })

/// `--characters a,b` as the API's `characters`: the names, or "all" when absent.
let private castOf (names: string option) : JsonNode =
    match names with
    | None -> Encode.string "all"
    | Some s ->
        s.Split(',', StringSplitOptions.TrimEntries ||| StringSplitOptions.RemoveEmptyEntries)
        |> Encode.list Encode.string

/// True when events may be printed as they come: a terminal, not JSON. Piped output is printed once complete, in
/// the result's order.
let private live json =
    not json && not Console.IsOutputRedirected

/// Adds lines to a scene's dialog, printing each as it is written.
let private dialog (args: ParseResults<DialogArgs>) =
    let json = args.Contains DialogArgs.Json

    withBackend (args.TryGetResult DialogArgs.Server) (fun b -> task {
        let body =
            Encode.obj [
                "num_lines", Encode.opt Encode.int (args.TryGetResult DialogArgs.Lines)
                "characters", castOf (args.TryGetResult DialogArgs.Characters)
                "prompt", Encode.opt Encode.string (args.TryGetResult DialogArgs.Prompt)
                "save", Encode.bool (args.Contains DialogArgs.Save)
            ]

        let said (l: JsonNode) =
            Console.Out.WriteLine($"""{l["speaker"]}: {l["text"]}""")

        let onEvent (event, data) =
            if event = "line" && live json then
                said data

        match! b.Dialog (args.GetResult DialogArgs.Id) body onEvent with
        | Error e -> return fail e
        | Ok r ->
            if json then
                out r
            else
                if not (live json) then
                    r["dialog"].AsArray() |> Seq.iter said

                if r["saved"].GetValue<bool>() then
                    Console.Out.WriteLine "(saved to the scene's dialog)"

            return Exit.ok
    })

/// Puts the questions to the chosen characters, printing each answer as it comes.
let private survey (args: ParseResults<SurveyArgs>) =
    let json = args.Contains SurveyArgs.Json
    let chain = args.Contains SurveyArgs.Chain

    withBackend (args.TryGetResult SurveyArgs.Server) (fun b -> task {
        let body =
            Encode.obj [
                "questions", Encode.list Encode.string (args.GetResults SurveyArgs.Question)
                "characters", castOf (args.TryGetResult SurveyArgs.Characters)
                "mode", Encode.string (if chain then "sequential" else "parallel")
                "chain_prompts", Encode.bool chain
                "include_summary", Encode.bool (args.Contains SurveyArgs.Summary)
            ]

        let answered (a: JsonNode) =
            Console.Out.WriteLine($"""{a["character_name"]} — {a["question"]}""")
            Console.Out.WriteLine($"""  {a["response"]} ({a["sentiment"]})""")

        let summary (s: JsonNode) = Console.Out.WriteLine($"Summary: {s}")

        let onEvent (event, data: JsonNode) =
            match event with
            | "response" when live json -> answered data
            | "summary" when live json -> summary data
            | "error" -> Console.Error.WriteLine($"tpflash: {data}")
            | _ -> ()

        match! b.Survey (args.GetResult SurveyArgs.Id) body onEvent with
        | Error e -> return fail e
        | Ok r ->
            if json then
                out r
            elif not (live json) then
                r["responses"].AsArray() |> Seq.iter answered
                r["summary"] |> Option.ofObj |> Option.iter summary

            return Exit.ok
    })

let private delete (args: ParseResults<DeleteArgs>) =
    withBackend (args.TryGetResult DeleteArgs.Server) (fun b -> task {
        match! b.Delete (args.GetResult DeleteArgs.Id) (args.Contains DeleteArgs.Permanent) with
        | Error e -> return fail e
        | Ok r ->
            if args.Contains DeleteArgs.Json then
                out r
            else
                Console.Out.WriteLine(r["message"].ToString())

            return Exit.ok
    })

let private models (args: ParseResults<CommonArgs>) =
    withBackend (args.TryGetResult CommonArgs.Server) (fun b -> task {
        match! b.Models() with
        | Error e -> return fail e
        | Ok m ->
            if args.Contains CommonArgs.Json then
                out m
            else
                match m["models"] with
                | :? JsonArray as a ->
                    for x in a do
                        Console.Out.WriteLine(string x["provider"] + "\t" + string x["id"])
                | _ -> ()

            return Exit.ok
    })

let private export (args: ParseResults<ExportArgs>) =
    withBackend (args.TryGetResult ExportArgs.Server) (fun b -> task {
        let format =
            match args.GetResult(ExportArgs.Format, "json").ToLowerInvariant() with
            | "md" -> "markdown"
            | f -> f

        match format with
        | "json"
        | "markdown"
        | "html"
        | "tdf" ->
            match! b.Export (args.GetResult ExportArgs.Id) format with
            | Error e -> return fail e
            | Ok text ->
                match args.TryGetResult ExportArgs.Out with
                | Some file -> File.WriteAllText(file, text)
                | None -> Console.Out.Write text

                return Exit.ok
        | other -> return fail (CliError.Invalid $"--format must be json, markdown, html or tdf, got '{other}'")
    })

/// The body of a comparison request from the command line (checked as the API checks it).
let private compareBody (args: ParseResults<EvalCompareArgs>) =
    let models = args.GetResults EvalCompareArgs.Model
    let presets = args.GetResults EvalCompareArgs.Preset

    Encode.obj [
        "query", Encode.string (String.Join(" ", args.GetResult EvalCompareArgs.Query))
        if not models.IsEmpty then
            "models", models |> Encode.list (fun m -> Encode.obj [ "model_id", Encode.string m ])
        if not presets.IsEmpty then
            "presets", Encode.list Encode.string presets
        match args.TryGetResult EvalCompareArgs.Set with
        | Some set -> "preset", Encode.string set
        | None -> ()
        match args.TryGetResult EvalCompareArgs.Timeout with
        | Some t -> "timeout_seconds", Encode.int t
        | None -> ()
    ]

let private eval (args: ParseResults<EvalArgs>) =
    match args.GetSubCommand() with
    | EvalArgs.Models m ->
        withBackend (m.TryGetResult CommonArgs.Server) (fun b -> task {
            match! b.EvalModels() with
            | Error e -> return fail e
            | Ok node ->
                if m.Contains CommonArgs.Json then
                    out node
                else
                    match node["models"] with
                    | :? JsonArray as a ->
                        for x in a do
                            Console.Out.WriteLine(string x["provider"] + "\t" + string x["model_id"])
                    | _ -> ()

                return Exit.ok
        })
    | EvalArgs.Compare c ->
        withBackend (c.TryGetResult EvalCompareArgs.Server) (fun b -> task {
            let json = c.Contains EvalCompareArgs.Json
            banner b

            match! b.Compare (compareBody c) (not json || c.Contains EvalCompareArgs.Report) with
            | Error e -> return fail e
            | Ok node ->
                if json then
                    out node
                else
                    Console.Out.Write(string node["report"])

                return Exit.ok
        })

/// Reads "1903", "-44", "44 BCE", "44 BC", "1066 CE" or "1066 AD".
let private parseYear (s: string) =
    let parts = s.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)

    let number (n: string) =
        match Int32.TryParse n with
        | true, v when v <> 0 -> Some v
        | _ -> None

    match parts |> Array.map (fun p -> p.ToUpperInvariant()) with
    | [| n |] -> number n
    | [| n; ("BCE" | "BC") |] -> number n |> Option.filter (fun v -> v > 0) |> Option.map (~-)
    | [| n; ("CE" | "AD") |] -> number n |> Option.filter (fun v -> v > 0)
    | _ -> None

let private check (args: ParseResults<CheckArgs>) =
    match parseYear (args.GetResult CheckArgs.Year) with
    | None -> Task.FromResult(fail (CliError.Invalid "--year must be a year such as 1903, -44 or \"44 BCE\""))
    | Some year ->
        let findings = Anachronisms.scan year (args.GetResult CheckArgs.Text)

        if args.Contains CheckArgs.Json then
            out (Encode.obj [ "year", Encode.int year; "findings", Encode.list Finding.encode findings ])
        else
            match findings with
            | [] -> Console.Out.WriteLine $"No anachronisms found for {TimelineData.displayYear year}."
            | fs ->
                for f in fs do
                    Console.Out.WriteLine(Render.finding f)

        Task.FromResult(if List.isEmpty findings then Exit.ok else Exit.failed)

let private migrate () = task {
    match Config.read (Runtime.environment ()) with
    | Error e ->
        Console.Error.WriteLine("tpflash: " + ConfigError.describe e)
        return Exit.usage
    | Ok config ->
        match! Runtime.startWith config None ignore (fun _ -> Task.CompletedTask) with
        | Error e ->
            Console.Error.WriteLine("tpflash: " + Runtime.describe e)
            return Exit.failed
        | Ok s ->
            Console.Out.WriteLine(
                $"migrations applied to {TimepointFlash.Persistence.DbConfig.describe config.Database}"
            )

            s.Dispose()
            return Exit.ok
}

let private healthcheck (args: ParseResults<HealthArgs>) = task {
    let port =
        Environment.GetEnvironmentVariable "PORT"
        |> Option.ofObj
        |> Option.bind TimepointFlash.String.nonBlank
        |> Option.defaultValue "8000"

    let url = args.GetResult(HealthArgs.Url, $"http://127.0.0.1:{port}/health")

    try
        use http = new HttpClient(Timeout = TimeSpan.FromSeconds 5.0)
        use! resp = http.GetAsync(url: string)
        return if resp.IsSuccessStatusCode then Exit.ok else Exit.failed
    with _ ->
        return Exit.failed
}

/// Runs one parsed command.
let dispatch (results: ParseResults<Command>) : Task<int> =
    // --version is a flag, not a subcommand: GetSubCommand would reject it.
    if results.Contains Command.Version then
        Console.Out.WriteLine TimepointFlash.Engines.Version.current
        Task.FromResult Exit.ok
    else
        match results.GetSubCommand() with
        | Generate a -> generate a
        | List a -> listing a
        | Show a -> showOne a
        | Next a -> navigate Direction.Next a
        | Prior a -> navigate Direction.Prior a
        | Sequence a -> sequence a
        | Delete a -> delete a
        | Chat a -> chat a
        | Dialog a -> dialog a
        | Survey a -> survey a
        | Models a -> models a
        | Export a -> export a
        | Eval a -> eval a
        | Command.Calendar a ->
            Task.FromResult(
                CalendarCommand.run
                    (a.GetResult CalendarArgs.Date)
                    (a.TryGetResult CalendarArgs.Place)
                    (a.TryGetResult CalendarArgs.Add)
                    (a.Contains CalendarArgs.Json)
            )
        | Check a -> check a
        | Serve a -> Task.FromResult(TimepointFlash.Api.Program.run [] (a.TryGetResult ServeArgs.Port))
        | Mcp a -> mcp a
        | Migrate -> migrate ()
        | Healthcheck a -> healthcheck a
        | Version ->
            Console.Out.WriteLine TimepointFlash.Engines.Version.current
            Task.FromResult Exit.ok

[<EntryPoint>]
let main argv =
    let parser = ArgumentParser.Create<Command>(programName = "tpflash")
    // `serve` keeps the host's own Ctrl-C handling (graceful shutdown).
    if not (argv.Length > 0 && argv[0] = "serve") then
        Interrupt.install ()

    try
        let results = parser.ParseCommandLine(argv, raiseOnUsage = true)
        (dispatch results).GetAwaiter().GetResult()
    with
    | :? ArguParseException as e when e.ErrorCode = ErrorCode.HelpText ->
        Console.Out.WriteLine e.Message
        Exit.ok
    | :? ArguParseException as e ->
        Console.Error.WriteLine e.Message
        Exit.usage
