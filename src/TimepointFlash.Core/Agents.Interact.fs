namespace TimepointFlash.Agents

open System
open System.Threading
open System.Threading.Tasks
open TimepointFlash

/// What a character says back: the words, their tone, the points made and how sure they are.
type Reply = {
    Text: string
    Tone: string
    KeyPoints: string list
    Confidence: float option
}

/// Running interaction agents, and the text heuristics their plain answers are read with.
[<RequireQualifiedAccess>]
module Interaction =
    let private words (text: string) =
        text
            .ToLowerInvariant()
            .Split([| ' '; ','; '.'; '!'; '?'; ';'; ':'; '"'; '\n' |], StringSplitOptions.RemoveEmptyEntries)
        |> Set.ofArray

    let private any (cues: string list) (ws: Set<string>) = cues |> List.exists ws.Contains

    /// The chat tone of a plain answer: melancholic, joyful, angry, anxious, curious, emphatic or neutral.
    let chatTone (text: string) =
        let ws = words text

        if any [ "grief"; "mourn"; "sorrow"; "sad"; "lost"; "alas"; "weep" ] ws then
            "melancholic"
        elif any [ "joy"; "glad"; "delight"; "happy"; "rejoice"; "wonderful" ] ws then
            "joyful"
        elif any [ "anger"; "angry"; "outrage"; "furious"; "damn"; "traitor"; "betrayal" ] ws then
            "angry"
        elif any [ "fear"; "afraid"; "worry"; "danger"; "uneasy"; "dread" ] ws then
            "anxious"
        elif text.Contains '?' then
            "curious"
        elif text.Contains '!' then
            "emphatic"
        else
            "neutral"

    /// The sentiment of a survey answer: positive, negative, mixed or neutral.
    let sentiment (text: string) =
        let ws = words text

        let positive =
            any
                [
                    "good"
                    "hope"
                    "glad"
                    "proud"
                    "right"
                    "honour"
                    "better"
                    "trust"
                    "faith"
                    "joy"
                ]
                ws

        let negative =
            any
                [
                    "bad"
                    "fear"
                    "wrong"
                    "shame"
                    "worse"
                    "doubt"
                    "grief"
                    "danger"
                    "anger"
                    "cruel"
                ]
                ws

        match positive, negative with
        | true, true -> "mixed"
        | true, false -> "positive"
        | false, true -> "negative"
        | false, false -> "neutral"

    /// The first sentences of a text (at most three), as key points.
    let keyPoints (text: string) =
        text.Split([| ". "; "! "; "? " |], StringSplitOptions.RemoveEmptyEntries)
        |> Array.map (fun s -> s.Trim().TrimEnd('.', '!', '?'))
        |> Array.filter (fun s -> s <> "")
        |> Array.truncate 3
        |> List.ofArray

    /// A plain answer without a leading "Name:" the model may have added, and without wrapping quotes.
    let clean (name: string) (text: string) =
        let t = text.Trim()

        let t =
            if t.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase) then
                t.Substring(name.Length + 1).Trim()
            else
                t

        if t.Length > 1 && t.StartsWith "\"" && t.EndsWith "\"" then
            t.Substring(1, t.Length - 2).Trim()
        else
            t

    /// Reads an answer: JSON through `structured` when asked for structure (then `cleaned` tidies its spoken text;
    /// plain text is accepted as the spoken words), else plain text through `ofText`.
    let parseAnswer structured cleaned ofText (asked: bool) (name: string) (text: string) =
        if asked then
            match AgentKit.parseWith structured text with
            | Ok r -> Ok(cleaned name r)
            | Error _ when (AgentKit.extractJson text).IsNone -> ofText name text
            | Error e -> Error e
        else
            ofText name text

    /// The JSON-only rule for a structured answer.
    let jsonRule = AgentKit.jsonRule

    let private request (a: Interaction<'I, 'O>) (input: 'I) (prompt: Prompt) (user: string) : ChatRequest = {
        Role = a.Role
        Step = a.Name
        System =
            (match a.Schema input with
             | Some _ -> prompt.System + "\n\n" + AgentKit.jsonRule
             | None -> prompt.System)
        User = user
        Schema = a.Schema input
        Temperature = a.Temperature
        MaxTokens = Some a.MaxTokens
        Tuning = CallTuning.none
        OnWait = WaitNotice.None
        Search = false
    }

    let private outcome (r: ChatResponse) output attempts latency : AgentOutcome<'O> = {
        Output = output
        Model = r.Model
        Provider = r.Provider
        Usage = r.Usage
        LatencyMs = latency
        Attempts = attempts
        Search = r.Search
    }

    /// Runs an interaction agent: one call, and on invalid output one repair call that names the problems.
    let run
        (llm: Llm)
        (a: Interaction<'I, 'O>)
        (input: 'I)
        (ct: CancellationToken)
        : Task<Result<AgentOutcome<'O>, AgentError>> =
        task {
            let prompt = a.BuildPrompt input

            let call user attempt =
                llm
                    {
                        Chat = request a input prompt user
                        Context = a.Context input
                        Attempt = attempt
                    }
                    ct

            match! call prompt.User 1 with
            | Error e -> return Error(AgentError.Provider e)
            | Ok first ->
                match a.Parse input first.Text with
                | Ok output -> return Ok(outcome first output 1 first.LatencyMs)
                | Error errors ->
                    match! call (AgentKit.repairPrompt prompt.User first.Text errors) 2 with
                    | Error e -> return Error(AgentError.Provider e)
                    | Ok second ->
                        match a.Parse input second.Text with
                        | Ok output ->
                            let usage = {
                                Input = first.Usage.Input + second.Usage.Input
                                Output = first.Usage.Output + second.Usage.Output
                            }

                            return
                                Ok {
                                    outcome second output 2 (first.LatencyMs + second.LatencyMs) with
                                        Usage = usage
                                }
                        | Error errors -> return Error(AgentError.InvalidOutput errors)
        }

    /// Runs an interaction agent on a streaming model: each chunk goes to `onText` as it comes; the whole answer is
    /// parsed at the end (no repair: the chunks have been shown).
    let stream
        (llm: StreamLlm)
        (a: Interaction<'I, 'O>)
        (input: 'I)
        (onText: string -> Task)
        (ct: CancellationToken)
        : Task<Result<AgentOutcome<'O>, AgentError>> =
        task {
            let prompt = a.BuildPrompt input

            let call = {
                Chat = request a input prompt prompt.User
                Context = a.Context input
                Attempt = 1
            }

            match! llm call onText ct with
            | Error e -> return Error(AgentError.Provider e)
            | Ok r ->
                match a.Parse input r.Text with
                | Ok output -> return Ok(outcome r output 1 r.LatencyMs)
                | Error errors -> return Error(AgentError.InvalidOutput errors)
        }

/// Streaming models built from plain ones.
[<RequireQualifiedAccess>]
module StreamLlm =
    /// A model that cannot stream: the whole answer as one chunk.
    let ofLlm (llm: Llm) : StreamLlm =
        fun call onText ct -> task {
            match! llm call ct with
            | Ok r ->
                do! onText r.Text
                return Ok r
            | Error e -> return Error e
        }
