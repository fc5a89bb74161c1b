namespace TimepointFlash.Api

open Giraffe.ViewEngine
open TimepointFlash
open TimepointFlash.Agents

/// The scene page's interaction panels — chat with one of the cast, extend the dialog, survey the cast — as plain
/// forms that work without JavaScript (the page script streams the chat answer, the new dialog lines and the survey's answers when it can).
[<RequireQualifiedAccess>]
module InteractView =
    let private castOf (t: Timepoint) =
        t.Characters
        |> Option.map (fun c -> c.Characters |> List.map (fun x -> x.Name))
        |> Option.defaultValue []

    let private message (m: SessionMessage) =
        let who =
            match m.Role with
            | MessageRole.User -> "You"
            | MessageRole.Character -> m.CharacterName |> Option.defaultValue "Character"

        li [
            _class (
                if m.Role = MessageRole.User then
                    "chat-user"
                else
                    "chat-character"
            )
        ] [ span [ _class "speaker" ] [ str who ]; str $" {m.Content}" ]

    /// The chat panel: the stored session's messages (when one is open) and a form to send the next message.
    let chat (chrome: Chrome) (t: Timepoint) (session: ChatSession option) =
        let cast = castOf t

        let chosen =
            session |> Option.map (fun s -> s.CharacterName) |> Option.defaultValue ""

        section [ _class "card"; _id "chat" ] [
            h2 [] [ str "Talk to a character" ]
            ol
                [ _id "chat-log"; _class "chat-log"; attr "aria-live" "polite" ]
                (session
                 |> Option.map (fun s -> s.Messages |> List.map message)
                 |> Option.defaultValue [])
            form [
                _id "chat-form"
                _method "post"
                _action $"/t/{t.Slug}/chat"
                attr "data-id" (string t.Id)
            ] [
                Layout.tokenField chrome
                match session with
                | Some s -> input [ _type "hidden"; _name "session_id"; _value (string s.Id) ]
                | None -> ()
                label [ _for "chat-character" ] [ str "Character" ]
                select
                    [ _id "chat-character"; _name "character" ]
                    (cast
                     |> List.map (fun n ->
                         option [
                             _value n
                             if n = chosen then
                                 _selected
                         ] [ str n ]))
                label [ _for "chat-message" ] [ str "Message" ]
                textarea [
                    _id "chat-message"
                    _name "message"
                    _required
                    _maxlength (string Chat.maxMessageLength)
                    _rows "3"
                ] []
                button [ _type "submit" ] [ str "Send" ]
                match session with
                | Some _ -> a [ _href $"/t/{t.Slug}#chat"; _class "meta" ] [ str " New conversation" ]
                | None -> ()
            ]
        ]

    let private castChecks (prefix: string) (t: Timepoint) =
        fieldset [ _class "cast-choice" ] [
            legend [] [ str "Characters (none ticked: all)" ]
            yield!
                castOf t
                |> List.mapi (fun i n ->
                    label [ _for $"{prefix}-c{i}" ] [
                        input [ _id $"{prefix}-c{i}"; _type "checkbox"; _name "characters"; _value n ]
                        str $" {n}"
                    ])
        ]

    /// The "extend dialog" form: 1–10 more lines, optionally steered, saved to the scene.
    let extend (chrome: Chrome) (t: Timepoint) =
        section [ _class "card"; _id "extend" ] [
            h2 [] [ str "Extend the dialog" ]
            form [
                _id "extend-form"
                _method "post"
                _action $"/t/{t.Slug}/dialog"
                attr "data-id" (string t.Id)
            ] [
                Layout.tokenField chrome
                label [ _for "num-lines" ] [ str "Lines" ]
                input [
                    _id "num-lines"
                    _type "number"
                    _name "num_lines"
                    _value "3"
                    _min "1"
                    _max (string Extend.maxLines)
                    _required
                ]
                castChecks "extend" t
                label [ _for "extend-prompt" ] [ str "Direction (optional)" ]
                input [
                    _id "extend-prompt"
                    _type "text"
                    _name "prompt"
                    _maxlength (string InteractDto.maxPromptLength)
                ]
                button [ _type "submit" ] [ str "Add lines" ]
            ]
        ]

    /// The survey form: questions (one a line) to chosen characters, optionally chained.
    let survey (chrome: Chrome) (t: Timepoint) =
        section [ _class "card"; _id "survey" ] [
            h2 [] [ str "Survey the cast" ]
            form [
                _id "survey-form"
                _method "post"
                _action $"/t/{t.Slug}/survey"
                attr "data-id" (string t.Id)
            ] [
                Layout.tokenField chrome
                label [ _for "survey-questions" ] [ str $"Questions (one a line, at most {Survey.maxQuestions})" ]
                textarea [ _id "survey-questions"; _name "questions"; _required; _rows "3" ] []
                castChecks "survey" t
                label [ _for "survey-chain" ] [
                    input [ _id "survey-chain"; _type "checkbox"; _name "chain"; _value "true" ]
                    str " Chained: each sees the earlier answers"
                ]
                button [ _type "submit" ] [ str "Ask" ]
            ]
        ]

    /// The page of a survey's answers.
    let surveyResult (chrome: Chrome) (t: Timepoint) (r: SurveyResult) =
        Layout.page $"Survey: {t.Query}" chrome [
            article [ _id "survey-result" ] [
                h1 [] [ str "Survey" ]
                p [] [ a [ _href $"/t/{t.Slug}" ] [ str $"← {t.Query}" ] ]
                yield!
                    r.Questions
                    |> List.map (fun q ->
                        section [ _class "card" ] [
                            h2 [] [ str q ]
                            ul
                                []
                                (r.Answers
                                 |> List.filter (fun a -> a.Question = q)
                                 |> List.map (fun a ->
                                     li [ _class "survey-answer" ] [
                                         span [ _class "speaker" ] [ str a.CharacterName ]
                                         str $" {a.Reply.Response}"
                                         span [ _class "meta" ] [ str $" ({a.Reply.Sentiment})" ]
                                     ]))
                        ])
                match r.Summary with
                | Some s -> section [ _class "card"; _id "survey-summary" ] [ h2 [] [ str "Summary" ]; p [] [ str s ] ]
                | None -> ()
            ]
        ]
