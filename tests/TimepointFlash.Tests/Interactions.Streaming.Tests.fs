/// The chat stream route over fake Gemini and OpenAI-compatible servers: provider pieces become `token` events as
/// they come; a fault before the first piece is retried, one after it ends in an `error` event with nothing saved.
module TimepointFlash.Tests.InteractionsStreaming

open System
open System.Net.Http
open System.Text.Json.Nodes
open System.Threading.Tasks
open Expecto
open Microsoft.AspNetCore.TestHost
open TimepointFlash.Tests.Support.ApiHost
open TimepointFlash.Tests.Support.FakeServers
open TimepointFlash.Tests.Support.ProviderShapes
open TimepointFlash.Tests.Support.ProviderFixtures

let private pieces = [ "I am Gaius "; "Julius Caesar, "; "and Rome "; "is mine." ]

/// A completed scene stored by the offline engine in a fresh SQLite file, and that file's DATABASE_URL.
let private sceneIn () = task {
    let url = "DATABASE_URL", $"sqlite:///{tempDb ()}"
    let! api = startWith [ url ] None

    try
        let! t = InteractionsVoices.generate api "assassination of julius caesar"
        return url, str t "id"
    finally
        (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
}

/// Streams one saved chat message through an API whose provider is the fake; the events and the session total.
let private chatOver (provider: FakeServer -> (string * string) list) (replies: Reply list) check = task {
    let! url, id = sceneIn ()

    do!
        withFake replies (fun fake -> task {
            let! api = startWith (url :: provider fake) None

            try
                // The raw test-server client: main's OpenAPI document does not declare the interactions routes' 200
                // (the contract-checking client rejects them; Interactions' own tests fail the same way).
                use raw = api.App.GetTestServer().CreateClient()

                let! resp =
                    postJson
                        raw
                        $"/api/v1/interactions/{id}/chat/stream"
                        """{"character": "Julius Caesar", "message": "Who are you?", "save_session": true}"""

                let! text = resp.Content.ReadAsStringAsync()
                let! (listed: HttpResponseMessage) = raw.GetAsync $"/api/v1/interactions/sessions/{id}"
                let! (l: JsonNode) = body listed
                do! check fake (Interactions.events text) (l["total"].GetValue<int>())
            finally
                (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
        })
}

let private ofKind kind (es: JsonNode list) =
    es
    |> List.filter (fun e -> str e "event" = kind)
    |> List.map (fun e -> str e "data")

/// The three wire cases for one provider.
let private casesFor name (provider: FakeServer -> (string * string) list) streamed before cut =
    testList name [
        testTask "tokens arrive in the provider's order and done carries the whole reply" {
            do!
                chatOver provider [ Reply.events (streamed pieces) ] (fun _ es saved -> task {
                    Expect.equal (ofKind "token" es) pieces "one token event per provider piece"
                    let last = List.last es
                    Expect.equal (str last "event") "done" "done last"
                    Expect.equal (str last "data") (String.concat "" pieces) "the whole reply"
                    Expect.equal saved 1 "the session is saved"
                })
        }
        testTask "a fault before the first token is retried and the stream succeeds" {
            do!
                chatOver provider [ before; Reply.events (streamed pieces) ] (fun fake es saved -> task {
                    Expect.equal (ofKind "token" es) pieces "each piece once"
                    Expect.equal (str (List.last es) "event") "done" "done last"
                    Expect.equal fake.Requests.Length 2 "one retry"
                    Expect.equal saved 1 "the session is saved"
                })
        }
        testTask "a fault after the first token ends in an error event and saves nothing" {
            do!
                chatOver provider [ cut ] (fun fake es saved -> task {
                    Expect.equal (ofKind "token" es) [ List.head pieces ] "what came before the fault"
                    Expect.equal (str (List.last es) "event") "error" "error last"
                    Expect.isEmpty (ofKind "done" es) "no done"
                    Expect.equal fake.Requests.Length 1 "not retried after text was shown"
                    Expect.equal saved 0 "nothing half-saved"
                })
        }
    ]

let tests =
    testList "interactions streaming" [
        casesFor
            "gemini"
            geminiAt
            GeminiShapes.streamed
            (unavailable "overloaded")
            (Reply.cut (Reply.events [ GeminiShapes.streamPiece (List.head pieces) ]))
        casesFor
            "openai-compatible"
            openAiAt
            OpenAiShapes.streamed
            (Reply.json 503 (OpenAiShapes.openAiError "overloaded" "server_error" None None))
            (Reply.events [
                OpenAiShapes.chunk (List.head pieces) None
                """{"error":{"code":502,"message":"upstream died"}}"""
            ])
    ]
