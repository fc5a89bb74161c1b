module TimepointFlash.Tests.Providers.Streaming

open System
open System.IO
open System.Text
open System.Threading
open System.Threading.Tasks
open Expecto
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Tests.Support.FakeServers
open TimepointFlash.Tests.Support.ProviderShapes
open TimepointFlash.Tests.Support.ProviderFixtures

/// The chunks a stream showed, in order, and the callback that records them.
let private collector () =
    let seen = ResizeArray<string>()

    let onText (t: string) =
        lock seen (fun () -> seen.Add t)
        Task.CompletedTask

    (fun () -> lock seen (fun () -> Seq.toList seen)), onText

/// One streamed chat call through a router.
let private stream (router: Router) onText =
    router.Stream (chat ModelRole.Creative) onText CancellationToken.None

let private pieces = [ "Salve, "; "citizen. "; "The Senate "; "meets at dawn." ]

let private sseTests =
    testList "server-sent events" [
        testTask "data lines of one event are joined, comments and other fields skipped" {
            let text =
                ": keep-alive\nevent: message\ndata: {\"a\":\ndata: 1}\n\ndata: [DONE]\n\n"

            let reader = new StreamReader(new MemoryStream(Encoding.UTF8.GetBytes text))
            let! first = Sse.next reader CancellationToken.None
            let! second = Sse.next reader CancellationToken.None
            let! third = Sse.next reader CancellationToken.None
            reader.Dispose()
            Expect.equal [ first; second; third ] [ Some "{\"a\":\n1}"; Some "[DONE]"; None ] "events in order"
        }
        testProperty "every event written is read back, in order"
        <| fun (events: string list) ->
            let events =
                events
                |> List.map (fun e ->
                    if isNull e then
                        ""
                    else
                        e.Replace("\r", "").Replace("\n", " ").Trim())
                |> List.filter (fun e -> e <> "")

            let text = events |> List.map (fun e -> $"data: {e}\n\n") |> String.concat ""
            use reader = new StreamReader(new MemoryStream(Encoding.UTF8.GetBytes text))

            let read =
                List.init (events.Length + 1) (fun _ -> (Sse.next reader CancellationToken.None).Result)

            read = (List.map Some events @ [ None ])
    ]

let private geminiTests =
    testList "gemini" [
        testTask "streamGenerateContent with alt=sse shows each piece in order" {
            do!
                withFake [ Reply.events (GeminiShapes.streamed pieces) ] (fun fake -> task {
                    let seen, onText = collector ()
                    let router = routerWith None (Recorder()) (settingsOf (geminiAt fake))
                    let! answer = stream router onText
                    let answer = expectOk answer
                    Expect.equal (seen ()) pieces "pieces as they came"
                    Expect.equal answer.Text (String.concat "" pieces) "the whole answer"
                    Expect.equal answer.Usage { Input = 12; Output = 34 } "usage of the last event"

                    Expect.stringEnds fake.Requests.Head.Path ":streamGenerateContent?alt=sse" "the streaming endpoint"
                })
        }
        testTask "a 503 before the first piece is retried and the stream then succeeds" {
            do!
                withFake [ unavailable "overloaded"; Reply.events (GeminiShapes.streamed pieces) ] (fun fake -> task {
                    let seen, onText = collector ()
                    let r = Recorder()
                    let router = routerWith None r (settingsOf (geminiAt fake))
                    let! answer = stream router onText
                    Expect.equal (expectOk answer).Text (String.concat "" pieces) "answer"
                    Expect.equal (seen ()) pieces "each piece once"
                    Expect.equal fake.Requests.Length 2 "one retry"
                })
        }
        testTask "a connection cut after the first piece is Unavailable, neither retried nor passed on" {
            do!
                withBoth
                    [ Reply.cut (Reply.events [ GeminiShapes.streamPiece "Salve, " ]) ]
                    [ Reply.events (OpenAiShapes.streamed [ "never" ]) ]
                    (fun gemini openRouter -> task {
                        let seen, onText = collector ()

                        let router =
                            routerWith None (Recorder()) (settingsOf (geminiAt gemini @ openRouterAt openRouter))

                        let! answer = stream router onText

                        match expectError answer with
                        | ProviderError.Unavailable("gemini", None, _) -> ()
                        | other -> failtest $"expected Unavailable, got {ProviderError.describe other}"

                        Expect.equal (seen ()) [ "Salve, " ] "only what came"
                        Expect.equal gemini.Requests.Length 1 "not retried"
                        Expect.isEmpty openRouter.Requests "no fallback after text was shown"
                    })
        }
        testTask "a SAFETY finish in the stream is Blocked" {
            do!
                withFake [ Reply.events [ GeminiShapes.withheld "SAFETY" ] ] (fun fake -> task {
                    let _, onText = collector ()
                    let router = routerWith None (Recorder()) (settingsOf (geminiAt fake))
                    let! answer = stream router onText

                    match expectError answer with
                    | ProviderError.Blocked("gemini", BlockReason.Safety, _) -> ()
                    | other -> failtest $"expected Blocked, got {ProviderError.describe other}"
                })
        }
        testTask "an auth failure before the first piece falls back to the next provider's stream" {
            do!
                withBoth
                    [ Reply.json 401 (GeminiShapes.error 401 "UNAUTHENTICATED" "bad key") ]
                    [ Reply.events (OpenAiShapes.streamed pieces) ]
                    (fun gemini openRouter -> task {
                        let seen, onText = collector ()

                        let router =
                            routerWith None (Recorder()) (settingsOf (geminiAt gemini @ openRouterAt openRouter))

                        let! answer = stream router onText
                        Expect.equal (expectOk answer).Provider "openrouter" "fallback"
                        Expect.equal (seen ()) pieces "pieces of the fallback"
                    })
        }
    ]

let private openAiTests =
    testList "openai-compatible" [
        testTask "stream: true shows each delta in order until [DONE]" {
            do!
                withFake [ Reply.events (OpenAiShapes.streamed pieces) ] (fun fake -> task {
                    let seen, onText = collector ()
                    let router = routerWith None (Recorder()) (settingsOf (openAiAt fake))
                    let! answer = stream router onText
                    Expect.equal (expectOk answer).Text (String.concat "" pieces) "answer"
                    Expect.equal (seen ()) pieces "pieces in order"
                    Expect.isTrue ((fake.JsonBody 0).GetProperty("stream").GetBoolean()) "stream: true"
                })
        }
        testTask "a 503 before the first delta is retried and the stream then succeeds" {
            do!
                withFake
                    [
                        Reply.json 503 (OpenAiShapes.openAiError "overloaded" "server_error" None None)
                        Reply.events (OpenAiShapes.streamed pieces)
                    ]
                    (fun fake -> task {
                        let seen, onText = collector ()
                        let router = routerWith None (Recorder()) (settingsOf (openAiAt fake))
                        let! answer = stream router onText
                        Expect.equal (expectOk answer).Text (String.concat "" pieces) "answer"
                        Expect.equal (seen ()) pieces "each piece once"
                        Expect.equal fake.Requests.Length 2 "one retry"
                    })
        }
        testTask "an error event after the first delta is a typed error, not retried" {
            do!
                withFake
                    [
                        Reply.events [
                            OpenAiShapes.chunk "Salve, " None
                            """{"error":{"code":502,"message":"upstream died"}}"""
                        ]
                    ]
                    (fun fake -> task {
                        let seen, onText = collector ()
                        let router = routerWith None (Recorder()) (settingsOf (openAiAt fake))
                        let! answer = stream router onText

                        match expectError answer with
                        | ProviderError.UpstreamError("openai", Some 502, "upstream died") -> ()
                        | other -> failtest $"expected UpstreamError, got {ProviderError.describe other}"

                        Expect.equal (seen ()) [ "Salve, " ] "only what came"
                        Expect.equal fake.Requests.Length 1 "not retried"
                    })
        }
        testTask "a stream without [DONE] or a finish reason was cut" {
            do!
                withFake [ Reply.cut (Reply.events [ OpenAiShapes.chunk "Salve, " None ]) ] (fun fake -> task {
                    let seen, onText = collector ()
                    let router = routerWith None (Recorder()) (settingsOf (openAiAt fake))
                    let! answer = stream router onText

                    match expectError answer with
                    | ProviderError.Unavailable("openai", None, _) -> ()
                    | other -> failtest $"expected Unavailable, got {ProviderError.describe other}"

                    Expect.equal (seen ()) [ "Salve, " ] "the piece before the cut"
                    Expect.equal fake.Requests.Length 1 "not retried"
                })
        }
        testTask "a refusal delta is Blocked with the model's words" {
            do!
                withFake
                    [
                        Reply.events [
                            """{"id":"gen-s","object":"chat.completion.chunk","created":1767268800,"model":"gpt-4o","choices":[{"index":0,"delta":{"refusal":"I cannot help."},"finish_reason":null}]}"""
                        ]
                    ]
                    (fun fake -> task {
                        let _, onText = collector ()
                        let router = routerWith None (Recorder()) (settingsOf (openAiAt fake))
                        let! answer = stream router onText

                        match expectError answer with
                        | ProviderError.Blocked("openai", BlockReason.Refusal, "I cannot help.") -> ()
                        | other -> failtest $"expected Blocked, got {ProviderError.describe other}"
                    })
        }
        testTask "a length finish in the stream is Truncated" {
            do!
                withFake [ Reply.events [ OpenAiShapes.chunk "Salve" (Some "length"); "[DONE]" ] ] (fun fake -> task {
                    let _, onText = collector ()
                    let router = routerWith None (Recorder()) (settingsOf (openAiAt fake))
                    let! answer = stream router onText

                    match expectError answer with
                    | ProviderError.Truncated("openai", Some 256) -> ()
                    | other -> failtest $"expected Truncated, got {ProviderError.describe other}"
                })
        }
    ]

/// Streamed chat over the fakes: pieces in order, retries and fallback only before the first piece.
let tests = testList "Providers.Streaming" [ sseTests; geminiTests; openAiTests ]
