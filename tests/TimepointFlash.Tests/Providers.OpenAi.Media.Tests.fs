module TimepointFlash.Tests.Providers.OpenAiMedia

open System
open System.Threading
open Expecto
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Tests.Support.FakeServers
open TimepointFlash.Tests.Support.ProviderShapes
open TimepointFlash.Tests.Support.ProviderFixtures

let private imageOf (fake: FakeServer) =
    (openRouterCalls fake).GenerateImage "google/gemini-3-pro-image-preview" image CancellationToken.None

let private pngBytes = [| 137uy; 80uy; 78uy; 71uy; 9uy; 8uy; 7uy |]

let private imageLocations =
    let url = OpenAiShapes.dataUrl "image/png" pngBytes
    let b64 = Convert.ToBase64String pngBytes

    [
        "message.images[].image_url.url",
        "\"content\":\"\",\"images\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\""
        + url
        + "\"}}]"
        "content as a data URL", "\"content\":\"" + url + "\""
        "content part image_url.url",
        "\"content\":[{\"type\":\"text\",\"text\":\"here\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\""
        + url
        + "\"}}]"
        "content part inline_data.data",
        "\"content\":[{\"inline_data\":{\"mime_type\":\"image/png\",\"data\":\""
        + b64
        + "\"}}]"
        "content part image.data", "\"content\":[{\"image\":{\"data\":\"" + b64 + "\"}}]"
    ]

let private imageTests =
    testList "images" [
        for location, fields in imageLocations do
            testTask $"image bytes are read from {location} (fixes B11)" {
                do!
                    withFake [ Reply.ok (OpenAiShapes.withMessage fields) ] (fun fake -> task {
                        let! r = imageOf fake
                        let answer = expectOk r
                        Expect.equal answer.Bytes pngBytes "bytes"
                        Expect.equal answer.MimeType "image/png" "mime"
                        let sent = fake.JsonBody 0
                        Expect.equal (sent.GetProperty("modalities").GetRawText()) """["image","text"]""" "modalities"

                        Expect.equal
                            (sent.GetProperty("image_config").GetRawText())
                            """{"aspect_ratio":"16:9"}"""
                            "aspect"
                    })
            }
        for model, ratio, size in
            [
                "gpt-image-1", "16:9", "1536x1024"
                "gpt-image-1", "9:16", "1024x1536"
                "gpt-image-1", "1:1", "1024x1024"
                "dall-e-3", "16:9", "1792x1024"
                "dall-e-3", "3:4", "1024x1792"
                "dall-e-2", "16:9", "1024x1024"
            ] do
            testTask $"the OpenAI provider asks {model} for {ratio} through POST /images/generations with size {size}" {
                let bytes = [| 137uy; 80uy; 78uy; 71uy; 4uy; 2uy |]

                do!
                    withFake [ Reply.ok (OpenAiShapes.images bytes) ] (fun fake -> task {
                        let calls = callsFor (openAiAt fake) ProviderId.OpenAi

                        let! r = calls.GenerateImage model { image with AspectRatio = ratio } CancellationToken.None

                        let answer = expectOk r
                        Expect.equal (answer.Bytes, answer.MimeType) (bytes, "image/png") "b64_json decoded"
                        let sent = fake.Requests |> List.exactlyOne
                        Expect.equal sent.Path "/images/generations" "Images API, not chat"
                        let body = fake.JsonBody 0
                        Expect.equal (body.GetProperty("size").GetString()) size "size from the aspect ratio"
                        Expect.isFalse (sent.Body.Contains "modalities") "no chat modalities"

                        Expect.equal
                            (body.TryGetProperty("response_format") |> fst)
                            (model.StartsWith "dall-e")
                            "b64_json asked for only where the model takes response_format"
                    })
            }
        testTask "an answer with text only is a BadResponse, never text posing as an image" {
            do!
                withFake [ Reply.ok (OpenAiShapes.text "iVBORw0KGgo= is what I would draw") ] (fun fake -> task {
                    let! r = imageOf fake

                    match expectError r with
                    | ProviderError.BadResponse(_, m) -> Expect.stringStarts m "no image in the answer" "reason"
                    | e -> failtest $"unexpected {e}"
                })
        }
    ]

let private modelTests =
    testList "models" [
        testTask "listModels parses ids, context, decimal-string pricing and modalities" {
            do!
                withFake [ Reply.ok OpenAiShapes.models ] (fun fake -> task {
                    let s = settingsOf (openRouterAt fake)

                    let! r =
                        OpenAi.listModels
                            (Settings.find s ProviderId.OpenRouter)
                            FakeServer.http
                            (fun () -> fixedClock)
                            CancellationToken.None

                    let models = expectOk r
                    Expect.equal (fake.Requests |> List.exactlyOne).Path "/models" "path"

                    Expect.equal
                        models
                        [
                            {
                                Id = "google/gemini-2.5-flash"
                                Name = "Google: Gemini 2.5 Flash"
                                ContextLength = Some 1048576
                                PromptPrice = Some 0.0000003
                                CompletionPrice = Some 0.0000025
                                Modality = Some "text+image->text"
                                InputModalities = [ "text"; "image" ]
                                OutputModalities = [ "text" ]
                            }
                            {
                                Id = "bare/model"
                                Name = "bare/model"
                                ContextLength = None
                                PromptPrice = None
                                CompletionPrice = None
                                Modality = None
                                InputModalities = []
                                OutputModalities = []
                            }
                        ]
                        "models"
                })
        }
        test "data URLs decode and non-base64 data URLs are refused" {
            Expect.equal
                (OpenAiImages.parseDataUrl "data:image/jpeg;base64,AQID")
                (Some([| 1uy; 2uy; 3uy |], "image/jpeg"))
                "jpeg"

            Expect.isNone (OpenAiImages.parseDataUrl "data:image/svg+xml,<svg/>") "not base64"
            Expect.isNone (OpenAiImages.parseDataUrl "https://example.com/a.png") "remote URL"
        }
    ]

let tests = testList "Providers.OpenAiMedia" [ imageTests; modelTests ]
