module TimepointFlash.Tests.Providers.OpenAiMedia

open System
open System.Threading
open Expecto
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Tests.Support.FakeServers
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
        test "image_config is an OpenRouter extension, left out for other servers" {
            let body withConfig =
                Json.write (OpenAiWire.imageBody withConfig "m" image)

            Expect.stringContains (body true) "\"image_config\":{\"aspect_ratio\":\"16:9\"}" "openrouter"
            Expect.isFalse ((body false).Contains "image_config") "others"
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
                (OpenAiWire.parseDataUrl "data:image/jpeg;base64,AQID")
                (Some([| 1uy; 2uy; 3uy |], "image/jpeg"))
                "jpeg"

            Expect.isNone (OpenAiWire.parseDataUrl "data:image/svg+xml,<svg/>") "not base64"
            Expect.isNone (OpenAiWire.parseDataUrl "https://example.com/a.png") "remote URL"
        }
    ]

let tests = testList "Providers.OpenAiMedia" [ imageTests; modelTests ]
