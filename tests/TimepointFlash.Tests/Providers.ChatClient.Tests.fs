module TimepointFlash.Tests.Providers.ChatClient

open System
open System.Net
open System.Net.Http
open System.Threading
open System.Threading.Tasks
open Expecto
open Microsoft.Extensions.AI
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Tests.Support.ProviderFixtures

/// A chat client that records what it was asked and answers with a function.
type private FakeClient(answer: ChatMessage list -> ChatOptions -> Task<Microsoft.Extensions.AI.ChatResponse>) =
    member val Options: ChatOptions = null with get, set
    member val Messages: ChatMessage list = [] with get, set

    interface IChatClient with
        member this.GetResponseAsync(messages, options, _) =
            this.Messages <- Seq.toList messages
            this.Options <- options
            answer this.Messages options

        member _.GetStreamingResponseAsync(_, _, _) = raise (NotSupportedException())
        member _.GetService(_, _) = null
        member _.Dispose() = ()

let private reply (text: string) =
    let r = Microsoft.Extensions.AI.ChatResponse(ChatMessage(ChatRole.Assistant, text))
    r.ModelId <- "fake-model"
    r.Usage <- UsageDetails(InputTokenCount = Nullable 5L, OutputTokenCount = Nullable 7L)
    Task.FromResult r

let private finishing (finish: ChatFinishReason) =
    let r =
        Microsoft.Extensions.AI.ChatResponse(ChatMessage(ChatRole.Assistant, "{\"is_valid\":"))

    r.FinishReason <- Nullable finish
    Task.FromResult r

let tests =
    testList "Providers.ChatClient" [
        testTask "a Length finish is Truncated and a ContentFilter finish is Blocked, as from the HTTP providers" {
            let outcome finish = task {
                let backend =
                    ChatClientBackend.ofChatClient "custom" (new FakeClient(fun _ _ -> finishing finish))

                let! (r: Result<TimepointFlash.ChatResponse, ProviderError>) =
                    backend.Complete (chat ModelRole.Judge) CancellationToken.None

                return expectError r
            }

            let! truncated = outcome ChatFinishReason.Length
            let! filtered = outcome ChatFinishReason.ContentFilter
            Expect.equal truncated (ProviderError.Truncated("custom", Some 256)) "truncated"

            Expect.equal
                filtered
                (ProviderError.Blocked("custom", BlockReason.ContentFilter, "content_filter"))
                "blocked"
        }
        testTask "a request becomes system + user messages, temperature, max tokens and a JSON-schema format" {
            let client = new FakeClient(fun _ _ -> reply "{\"is_valid\":true}")
            let backend = ChatClientBackend.ofChatClient "custom" client

            let! (r: Result<TimepointFlash.ChatResponse, ProviderError>) =
                backend.Complete
                    {
                        chat ModelRole.Judge with
                            Schema = Some verdictSchema
                    }
                    CancellationToken.None

            let answer: TimepointFlash.ChatResponse = expectOk r

            Expect.equal
                (answer.Text, answer.Model, answer.Provider)
                ("{\"is_valid\":true}", "fake-model", "custom")
                "answer"

            Expect.equal answer.Usage { Input = 5; Output = 7 } "usage"

            Expect.equal
                (client.Messages |> List.map (fun m -> m.Role, m.Text))
                [
                    ChatRole.System, "You are a careful historian."
                    ChatRole.User, "rome 50 BCE"
                ]
                "messages"

            Expect.equal client.Options.Temperature (Nullable 0.2f) "temperature"
            Expect.equal client.Options.MaxOutputTokens (Nullable 256) "max tokens"

            match client.Options.ResponseFormat with
            | :? ChatResponseFormatJson as f ->
                Expect.equal f.SchemaName "judge" "schema name"
                Expect.equal (f.Schema.Value.GetRawText()) Schema.jsonSchemaGolden "schema"
            | other -> failtest $"unexpected format {other}"
        }
        testTask "an empty answer is a BadResponse" {
            let backend =
                ChatClientBackend.ofChatClient "custom" (new FakeClient(fun _ _ -> reply ""))

            let! r = backend.Complete (chat ModelRole.Creative) CancellationToken.None
            Expect.equal (expectError r) (ProviderError.BadResponse("custom", "no text in the answer")) "error"
        }
        testTask "an HTTP 429 from the client maps to RateLimited" {
            let fail _ _ =
                Task.FromException<Microsoft.Extensions.AI.ChatResponse>(
                    HttpRequestException("too many", null, HttpStatusCode.TooManyRequests)
                )

            let backend = ChatClientBackend.ofChatClient "custom" (new FakeClient(fail))
            let! r = backend.Complete (chat ModelRole.Creative) CancellationToken.None
            Expect.equal (expectError r) (ProviderError.RateLimited("custom", None)) "rate limited"
        }
    ]
