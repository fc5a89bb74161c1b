namespace TimepointFlash.Engines.Offline

open System
open TimepointFlash
open TimepointFlash.Agents

/// The offline engine's answers in character: what a person of the scene says, built from what the scene knows
/// (their name, role, the date, the place, what is happening, who else is there) and the question asked.
[<RequireQualifiedAccess>]
module TalkAnswer =
    let private has (words: string list) (text: string) =
        let t = " " + Text.normalise text + " "
        words |> List.exists (fun w -> t.Contains(" " + w + " "))

    let private sentence (s: string) =
        let s = s.Trim()

        if s = "" then
            s
        elif s.EndsWith "." || s.EndsWith "!" || s.EndsWith "?" then
            s
        else
            s + "."

    let private lower (s: string) =
        if s.Length > 1 && Char.IsUpper s[0] && not (Char.IsUpper s[1]) then
            string (Char.ToLowerInvariant s[0]) + s.Substring 1
        else
            s

    let private feeling (p: Persona) =
        p.Character.Voice.EmotionalState |> Option.defaultValue "watchful"

    let private happening (p: Persona) =
        p.Happening
        |> Option.orElse p.Setting
        |> Option.defaultValue $"the day goes on in {p.Place}"

    /// Something of the question that does not exist yet in the persona's year, when there is one.
    let private outOfTime (p: Persona) (question: string) =
        Anachronisms.scan p.Year question
        |> List.tryHead
        |> Option.map (fun f -> f.Matched)

    let private mentioned (p: Persona) (question: string) =
        p.Others
        |> List.map (fun o -> o.Substring(0, max 0 (o.LastIndexOf " (")).Trim())
        |> List.filter (fun n -> n <> "")
        |> List.tryFind (fun n ->
            let first = n.Split(' ')[0]
            has [ Text.normalise n; Text.normalise first ] question)

    /// The person's words in answer to a question (plain speech, several sentences, no name prefix).
    let speak (p: Persona) (question: string) =
        let c = p.Character

        let body =
            match outOfTime p question with
            | Some thing -> [
                $"\"{thing}\"? I do not know the word, and no one here in {p.Place} would"
                $"It is {p.DateLine}, and we have enough before us: {lower (happening p)}"
              ]
            | None ->
                match mentioned p question with
                | Some other -> [
                    $"{other} is here with us in {p.Place}"
                    $"What I make of them is coloured by this hour: {lower (happening p)}"
                  ]
                | None when has [ "who"; "yourself"; "name"; "you are" ] question -> [
                    $"I am {c.Name}, {c.Description}"
                    yield! c.HistoricalNote |> Option.toList
                  ]
                | None when has [ "where"; "place"; "city"; "here" ] question -> [
                    $"We are in {p.Place}"
                    yield! p.Setting |> Option.toList
                  ]
                | None when has [ "when"; "year"; "date"; "day"; "time" ] question -> [ $"It is {p.DateLine}" ]
                | None when has [ "feel"; "afraid"; "fear"; "think"; "believe"; "hope" ] question -> [
                    $"If you ask how I stand, I am {lower (feeling p)}"
                    $"How could I be otherwise, with {lower (happening p)}"
                  ]
                | None ->
                    let doing = lower (defaultArg c.Action "I wait and watch")

                    [
                        $"You ask me that on {p.DateLine}, here in {p.Place}"
                        happening p
                        $"As {c.Name}, I can only tell you what I see and what I am doing: {doing}"
                    ]

        body |> List.map sentence |> String.concat " "

    /// A chat answer: plain speech, or the structured JSON form.
    let chat (i: ChatInput) =
        let text = speak i.Persona i.Message

        if i.Structured then
            Encode.toString (
                Chat.encode {
                    Reply.Text = text
                    Tone = Interaction.chatTone text
                    KeyPoints = Interaction.keyPoints text
                    Confidence = Some 0.8
                }
            )
        else
            text

    /// A survey answer; chained answers acknowledge the one before.
    let survey (i: SurveyInput) =
        let agreed =
            match List.tryLast i.Earlier with
            | Some(name, _) -> $"I have heard what {name} said. "
            | None -> ""

        let text = agreed + speak i.Persona i.Question

        if i.Structured then
            Encode.toString (
                Survey.encode {
                    SurveyReply.Response = text
                    Sentiment = Interaction.sentiment text
                    KeyPoints = Interaction.keyPoints text
                    Tone = "thoughtful"
                }
            )
        else
            text

    /// A summary of one question's answers: who answered and where.
    let summary (i: SummaryInput) =
        let names = i.Answers |> List.map fst |> String.concat ", "

        $"Asked on {i.DateLine} in {i.Place}, {names} each answered from where they stand: "
        + (i.Answers
           |> List.map (fun (n, a) ->
               $"{n} said \"{(Interaction.keyPoints a |> List.tryHead |> Option.defaultValue a)}\"")
           |> String.concat "; ")
        + "."

    /// More dialog lines: speakers in turn, each speaking from the moment.
    let extend (i: ExtendInput) =
        let speakers = i.Speakers |> Array.ofList

        let line k =
            let p = speakers[k % speakers.Length]
            let next = speakers[(k + 1) % speakers.Length]

            let text =
                match k % 3, i.Direction with
                | 0, Some d -> $"{next.Character.Name}, you heard what was asked of us: {sentence d}"
                | 0, None -> $"{next.Character.Name}, look about you. {sentence (happening p)}"
                | 1, _ -> $"I am {lower (feeling p)}, and I will not pretend otherwise, not here in {p.Place}."
                | _ -> $"Then let us see it through, whatever this day in {p.Place} brings."

            Encode.obj [
                "speaker", Encode.string p.Character.Name
                "text", Encode.string text
                "tone", Encode.opt Encode.string p.Character.Voice.EmotionalState
            ]

        Encode.toString (Encode.obj [ "lines", Encode.list line [ 0 .. i.Lines - 1 ] ])
