module TimepointFlash.Tests.Interactions

open System
open System.IO
open System.Net
open System.Net.Http
open System.Text.Json.Nodes
open System.Threading.Tasks
open Expecto
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Support.ApiHost

let private withApi = Api.withApi
let private generate = InteractionsVoices.generate
let private items (n: JsonNode) = n.AsArray() |> Seq.toList

let private post (api: TestApi) (path: string) (json: string) = task {
    let! resp = postJson api.Client path json
    let! text = resp.Content.ReadAsStringAsync()
    return int resp.StatusCode, text
}

let private okJson (api: TestApi) path json = task {
    let! status, text = post api path json
    Expect.equal status 200 $"200 from {path}: {text}"
    return JsonNode.Parse text
}

/// The JSON payloads of an SSE body, in order.
let events (text: string) =
    text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
    |> Array.filter (fun f -> f.StartsWith "data: ")
    |> Array.map (fun f -> JsonNode.Parse(f.Substring 6))
    |> List.ofArray

let private kinds (es: JsonNode list) = es |> List.map (fun e -> str e "event")

let private caesar = "assassination of julius caesar"

let private chatPath (id: string) = $"/api/v1/interactions/{id}/chat"

let tests =
    testList "interactions" [
        testTask "two characters answer in character with facts of their scene, plain and structured" {
            do!
                withApi (fun api -> task {
                    let! t = generate api caesar
                    let id = str t "id"

                    let! brutus =
                        okJson
                            api
                            (chatPath id)
                            """{"character": "marcus junius brutus", "message": "Where are we?", "response_format": "text"}"""

                    Expect.equal (str brutus "character_name") "Marcus Junius Brutus" "canonical name"
                    Expect.stringContains (str brutus "response") "Rome" "names the place"
                    Expect.isNull brutus["session_id"] "no session asked for"

                    let! caesarSays =
                        okJson
                            api
                            (chatPath id)
                            """{"character": "Julius Caesar", "message": "What year is it?", "response_format": "structured"}"""

                    Expect.stringContains (str caesarSays "response") "44 BCE" "names the date"
                    Expect.isGreaterThan (caesarSays["key_points"].AsArray().Count) 0 "key points"
                    Expect.isNotNull caesarSays["confidence"] "confidence"

                    let! puzzled =
                        okJson
                            api
                            (chatPath id)
                            """{"character": "Julius Caesar", "message": "What do you think of the telephone?", "response_format": "text"}"""

                    Expect.stringContains
                        (str puzzled "response")
                        "I do not know the word"
                        "knows nothing after the date"
                })
        }

        testTask "a saved session keeps the exchange in order, lists, resumes after a restart, and is deleted" {
            let file = tempDb ()
            let vars = [ "DATABASE_URL", $"sqlite:///{file}" ]

            try
                let! api = startWith vars None
                let mutable id = ""
                let mutable sid = ""

                try
                    let! t = generate api caesar
                    id <- str t "id"

                    let! first =
                        okJson
                            api
                            (chatPath id)
                            """{"character": "Gaius Cassius Longinus", "message": "Who are you?", "save_session": true}"""

                    sid <- str first "session_id"
                    Expect.isFalse (String.IsNullOrEmpty sid) "a session id"
                finally
                    (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()

                let! again = startWith vars None

                try
                    let! resumed =
                        okJson
                            again
                            (chatPath id)
                            $$"""{"character": "Gaius Cassius Longinus", "message": "And where are we?", "session_id": "{{sid}}"}"""

                    Expect.equal (str resumed "session_id") sid "same session"
                    let! resp = again.Client.GetAsync $"/api/v1/interactions/session/{sid}"
                    let! (s: JsonNode) = body resp
                    let messages = items (s["messages"])

                    Expect.equal
                        (messages |> List.map (fun m -> str m "role"))
                        [ "user"; "character"; "user"; "character" ]
                        "order"

                    Expect.equal (str (messages[2]) "content") "And where are we?" "the resumed question"
                    let! listed = again.Client.GetAsync $"/api/v1/interactions/sessions/{id}"
                    let! (l: JsonNode) = body listed
                    Expect.equal (l["total"].GetValue<int>()) 1 "one session"
                    let first = l["sessions"].AsArray()[0]
                    let count = first["message_count"].GetValue<int>()
                    Expect.equal count 4 "four messages"
                    let! (deleted: HttpResponseMessage) = again.Client.DeleteAsync $"/api/v1/interactions/session/{sid}"
                    Expect.equal deleted.StatusCode HttpStatusCode.OK "deleted"
                    let! (gone: HttpResponseMessage) = again.Client.GetAsync $"/api/v1/interactions/session/{sid}"
                    Expect.equal gone.StatusCode HttpStatusCode.NotFound "gone"
                finally
                    (again :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
            finally
                for suffix in [ ""; "-wal"; "-shm" ] do
                    try
                        File.Delete(file + suffix)
                    with _ ->
                        ()
        }

        testTask "dialog extension continues with chosen speakers, and save appends the lines to the scene" {
            do!
                withApi (fun api -> task {
                    let! t = generate api caesar
                    let id = str t "id"
                    let before = (items (t["dialog"])).Length

                    let! d =
                        okJson
                            api
                            $"/api/v1/interactions/{id}/dialog"
                            """{"characters": ["Julius Caesar", "Marcus Junius Brutus"], "num_lines": 4, "prompt": "the petition", "save": true}"""

                    let lines = items (d["dialog"])
                    Expect.equal lines.Length 4 "four lines"

                    Expect.equal
                        (lines |> List.map (fun l -> str l "speaker") |> List.distinct |> List.sort)
                        [ "Julius Caesar"; "Marcus Junius Brutus" ]
                        "chosen speakers"

                    let! resp = api.Client.GetAsync $"/api/v1/timepoints/{id}"
                    let! (after: JsonNode) = body resp
                    Expect.equal (items (after["dialog"])).Length (before + 4) "saved to the scene"
                })
        }

        testTask "a survey asks three characters two questions each, with sentiment, key points and a summary" {
            do!
                withApi (fun api -> task {
                    let! t = generate api caesar
                    let id = str t "id"

                    let! s =
                        okJson
                            api
                            $"/api/v1/interactions/{id}/survey"
                            """{"characters": ["Julius Caesar", "Marcus Junius Brutus", "Gaius Cassius Longinus"], "questions": ["Where are we?", "How do you feel?"], "mode": "sequential", "chain_prompts": true}"""

                    let rs = items (s["responses"])
                    Expect.equal rs.Length 6 "3 x 2"
                    Expect.equal (s["total_characters"].GetValue<int>()) 3 "three surveyed"

                    for r in rs do
                        Expect.isFalse (String.IsNullOrEmpty(str r "sentiment")) "sentiment"

                    Expect.stringContains (str (rs[0]) "response") "Rome" "an answer names the place"
                    Expect.stringContains (str s "summary") "Q: Where are we?" "a summary per question"
                })
        }

        testTask "each stream sends its events as they come and ends with done carrying the result" {
            do!
                withApi (fun api -> task {
                    let! t = generate api caesar
                    let id = str t "id"

                    let! _, chat =
                        post
                            api
                            $"{chatPath id}/stream"
                            """{"character": "Julius Caesar", "message": "Who are you?", "save_session": true}"""

                    let es = events chat
                    Expect.isGreaterThan (es |> List.filter (fun e -> str e "event" = "token")).Length 3 "word by word"
                    let last = List.last es
                    Expect.equal (str last "event") "done" "done last"
                    Expect.stringContains (str last "data") "Julius Caesar" "the whole reply"
                    Expect.isFalse (String.IsNullOrEmpty(str last "session_id")) "done carries the session"

                    let tokens =
                        es
                        |> List.filter (fun e -> str e "event" = "token")
                        |> List.map (fun e -> str e "data")
                        |> String.concat ""

                    Expect.equal tokens (str last "data") "tokens add up to the reply"

                    let! _, dialog = post api $"/api/v1/interactions/{id}/dialog/stream" """{"num_lines": 3}"""
                    Expect.equal (kinds (events dialog)) [ "line"; "line"; "line"; "done" ] "lines then done"

                    let! _, survey =
                        post
                            api
                            $"/api/v1/interactions/{id}/survey/stream"
                            """{"characters": ["Julius Caesar", "Marcus Junius Brutus"], "questions": ["Where are we?"]}"""

                    Expect.equal
                        (kinds (events survey))
                        [ "response"; "response"; "summary"; "done" ]
                        "responses, summary, done"
                })
        }

        testTask "bad input gets its 4xx and changes nothing" {
            do!
                withApi (fun api -> task {
                    let! t = generate api caesar
                    let id = str t "id"
                    let! rejected = generate api "how does a steam engine work"
                    let other = str rejected "id"

                    let expect (path: string) json status (fragment: string) = task {
                        let! code, text = post api path json
                        Expect.equal code status $"{path} {json}: {text}"
                        Expect.stringContains (str (JsonNode.Parse text) "detail") fragment $"{path} says why"
                    }

                    let chat = chatPath id

                    do!
                        expect
                            (chatPath (string (Guid.NewGuid())))
                            """{"character": "A", "message": "hi"}"""
                            404
                            "Timepoint not found"

                    do! expect (chatPath other) """{"character": "A", "message": "hi"}""" 409 "is failed"
                    do! expect chat """{"character": "Napoleon", "message": "hi"}""" 404 "Available: ['Julius Caesar'"
                    do! expect chat """{"character": "Julius Caesar", "message": "  "}""" 422 "message"

                    do!
                        expect
                            chat
                            $$"""{"character": "Julius Caesar", "message": "{{String('a', 2001)}}"}"""
                            422
                            "at most 2000"

                    do!
                        expect
                            chat
                            """{"character": "Julius Caesar", "message": "hi", "response_format": "xml"}"""
                            422
                            "response_format"

                    do!
                        expect
                            chat
                            $$"""{"character": "Julius Caesar", "message": "hi", "session_id": "{{Guid.NewGuid()}}"}"""
                            404
                            "Session not found"

                    do!
                        expect
                            chat
                            """{"character": "Julius Caesar", "message": "hi", "session_id": "nope"}"""
                            404
                            "Session not found"

                    let qs = [ for i in 1..11 -> $"\"q{i}\"" ] |> String.concat ","

                    do!
                        expect
                            $"/api/v1/interactions/{id}/survey"
                            $$"""{"questions": [{{qs}}]}"""
                            422
                            "at most 10 questions"

                    do! expect $"/api/v1/interactions/{id}/survey" """{"questions": []}""" 422 "at least one question"
                    do! expect $"/api/v1/interactions/{id}/dialog" """{"num_lines": 11}""" 422 "num_lines"

                    do!
                        expect
                            $"/api/v1/interactions/{id}/dialog"
                            """{"characters": ["Nobody"]}"""
                            404
                            "Character 'Nobody' not found"

                    do! expect $"/api/v1/interactions/{id}/dialog/stream" """{"characters": "some"}""" 422 "characters"

                    // A session of another timepoint.
                    let! second = generate api caesar

                    let! saved =
                        okJson
                            api
                            (chatPath (str second "id"))
                            """{"character": "Julius Caesar", "message": "hi", "save_session": true}"""

                    let sid = str saved "session_id"

                    do!
                        expect
                            chat
                            $$"""{"character": "Julius Caesar", "message": "hi", "session_id": "{{sid}}"}"""
                            422
                            "another timepoint"

                    do!
                        expect
                            chat
                            $$"""{"character": "Marcus Junius Brutus", "message": "hi", "session_id": "{{sid}}"}"""
                            422
                            "another timepoint"

                    let! listed = api.Client.GetAsync $"/api/v1/interactions/sessions/{id}"
                    let! (l: JsonNode) = body listed
                    Expect.equal (l["total"].GetValue<int>()) 0 "nothing stored for the refused requests"
                })
        }
    ]

/// The words of each refusal: what a stream's `error` event says when a run fails after its checks.
let errorTexts =
    let id = Guid "11111111-2222-3333-4444-555555555555"
    let text = TimepointFlash.Api.InteractionHandlers.detail id

    testList "interactions error text" [
        test "an unknown timepoint says so" {
            Expect.equal (text TimepointFlash.InteractError.TimepointNotFound) "Timepoint not found" "text"
        }
        test "an unfinished timepoint names its status and when it can be talked to" {
            Expect.equal
                (text (TimepointFlash.InteractError.NotCompleted TimepointFlash.TimepointStatus.Processing))
                "Timepoint 11111111-2222-3333-4444-555555555555 is processing; its characters can be talked to once it has completed"
                "text"
        }
        test "an unknown character is named with the cast" {
            Expect.equal
                (text (TimepointFlash.InteractError.CharacterNotFound("Napoleon", [ "John Adams"; "Ben Franklin" ])))
                "Character 'Napoleon' not found. Available: ['John Adams', 'Ben Franklin']"
                "text"
        }
        test "an unknown session says so" {
            Expect.equal (text TimepointFlash.InteractError.SessionNotFound) "Session not found" "text"
        }
        test "a session of another timepoint names the timepoint asked about, not the other one" {
            let other = Guid "99999999-2222-3333-4444-555555555555"
            let t = text (TimepointFlash.InteractError.SessionOfAnotherTimepoint other)
            Expect.equal t "The session belongs to another timepoint, not 11111111-2222-3333-4444-555555555555" "text"
            Expect.isFalse (t.Contains(string other)) "the other timepoint stays private"
        }
        test "a session with another character names that character" {
            Expect.equal
                (text (TimepointFlash.InteractError.SessionOfAnotherCharacter "John Adams"))
                "The session is a conversation with John Adams"
                "text"
        }
        test "a model failure is the agent error's own words, never a raw value" {
            let t =
                text (
                    TimepointFlash.InteractError.Agent(
                        TimepointFlash.AgentError.Provider TimepointFlash.ProviderError.Cancelled
                    )
                )

            Expect.equal t "cancelled" "the provider error's own words"
        }
    ]
