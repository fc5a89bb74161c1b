/// The commands that talk to a scene's people: chat, dialog and survey.
module TimepointFlash.Cli.Commands.Interact

open System
open System.Text.Json.Nodes
open Argu
open TimepointFlash
open TimepointFlash.Cli
open TimepointFlash.Cli.Commands.Common

/// Talks to a character: one message with --message, else a conversation read line by line until Ctrl-D.
let chat (args: ParseResults<ChatArgs>) =
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
let dialog (args: ParseResults<DialogArgs>) =
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
let survey (args: ParseResults<SurveyArgs>) =
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
