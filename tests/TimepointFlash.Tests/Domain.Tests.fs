module TimepointFlash.Tests.Domain

open Expecto
open TimepointFlash
open TimepointFlash.Tests.Support

let private decode decoder json = Decode.fromString decoder json

let private ok decoder json =
    match decode decoder json with
    | Ok v -> v
    | Error e -> failtestf "expected to decode, got %s" (DecodeError.describeAll e)

let private errors decoder json =
    match decode decoder json with
    | Ok _ -> failtest "expected a decode error"
    | Error e -> e |> List.map DecodeError.describe

let private roundTrip name encode decoder value = test $"{name} survives encode then decode" {
    let back = ok decoder (Encode.toString (encode value))
    Expect.equal back value "round trip"
}

let private bg i =
    Fixtures.character $"Bystander {i}" CharacterRole.Background false

let codecs =
    testList "codecs" [
        roundTrip "a judge result" JudgeResult.encode JudgeResult.decoder Fixtures.judge
        roundTrip "a timeline" TimelineData.encode TimelineData.decoder Fixtures.timeline
        roundTrip "a scene" SceneData.encode SceneData.decoder Fixtures.scene
        roundTrip "a cast" CharacterData.encode CharacterData.decoder Fixtures.cast
        roundTrip "a moment" MomentData.encode MomentData.decoder Fixtures.moment
        roundTrip "a camera" CameraData.encode CameraData.decoder Fixtures.camera
        roundTrip "a graph" GraphData.encode GraphData.decoder Fixtures.graph
        roundTrip "a dialog" DialogData.encode DialogData.decoder Fixtures.dialog

        test "a judge answer gets the documented defaults" {
            let j = ok JudgeResult.decoder """{"is_valid": true}"""
            Expect.equal j.QueryType QueryType.Historical "query_type defaults to historical"
            Expect.equal j.Confidence 0.8 "confidence defaults to 0.8"
            Expect.equal j.CleanedQuery "" "cleaned_query defaults to empty"
            Expect.isEmpty j.DetectedFigures "no figures"
        }

        test "confidence 0 and 1 are accepted, -0.1 and 1.1 are not" {
            for c in [ "0"; "1" ] do
                ok JudgeResult.decoder $"""{{"is_valid": true, "confidence": {c}}}""" |> ignore

            for c in [ "-0.1"; "1.1" ] do
                let e = errors JudgeResult.decoder $"""{{"is_valid": true, "confidence": {c}}}"""
                Expect.exists e (fun m -> m.StartsWith "confidence:") "names the field"
        }

        test "an unknown query type is an error naming the allowed values" {
            let e = errors JudgeResult.decoder """{"is_valid": true, "query_type": "poem"}"""
            Expect.stringContains (List.head e) "historical, fictional" "lists allowed values"
        }

        test "timeline seasons are read leniently: autumn is fall, unknown is none" {
            let fall =
                ok TimelineData.decoder """{"year": 1776, "location": "x", "season": "Autumn"}"""

            Expect.equal fall.Season (Some Season.Fall) "autumn → fall"

            let odd =
                ok TimelineData.decoder """{"year": 1776, "location": "x", "season": "monsoon"}"""

            Expect.equal odd.Season None "unknown season → none"
        }

        test "a timeline refuses year 0 and years out of range" {
            Expect.stringContains
                (List.head (errors TimelineData.decoder """{"year": 0, "location": "x"}"""))
                "year 0"
                "year 0"

            Expect.isNonEmpty (errors TimelineData.decoder """{"year": 3001, "location": "x"}""") "3001"
            Expect.isNonEmpty (errors TimelineData.decoder """{"year": -10001, "location": "x"}""") "-10001"
        }

        test "a timeline drops a day that has no month" {
            let t = ok TimelineData.decoder """{"year": -44, "day": 15, "location": "Rome"}"""
            Expect.equal t.Day None "day needs a month"
        }

        test "every missing required field is reported with its path" {
            let e = errors SceneData.decoder """{"sensory_details": [{"sense": "smell"}]}"""

            Expect.containsAll
                e
                [
                    "setting: is required"
                    "atmosphere: is required"
                    "sensory_details[0].description: is required"
                ]
                "all errors"
        }

        test "twelve background characters are trimmed to eight" {
            let json =
                Encode.toString (
                    CharacterData.encode {
                        Fixtures.cast with
                            Characters = List.init 12 bg
                    }
                )

            let d = ok CharacterData.decoder json
            Expect.equal d.Characters.Length 8 "eight kept"
        }

        test "trimming keeps primary, then secondary, then background, stable within a role" {
            let cs =
                List.init 7 bg
                @ [
                    Fixtures.character "S1" CharacterRole.Secondary false
                    Fixtures.character "P1" CharacterRole.Primary true
                    Fixtures.character "S2" CharacterRole.Secondary false
                ]

            let kept = CharacterData.trim cs |> List.map (fun c -> c.Name)

            Expect.equal
                kept
                [
                    "P1"
                    "S1"
                    "S2"
                    "Bystander 0"
                    "Bystander 1"
                    "Bystander 2"
                    "Bystander 3"
                    "Bystander 4"
                ]
                "priority order"
        }

        test "eight or fewer characters keep their order" {
            let cs = Fixtures.cast.Characters |> List.rev
            Expect.equal (CharacterData.trim cs) cs "unchanged"
        }

        test "ten dialog lines are trimmed to seven" {
            let line i = {
                List.head Fixtures.dialog.Lines with
                    Text = $"line {i}"
            }

            let d =
                ok
                    DialogData.decoder
                    (Encode.toString (
                        DialogData.encode {
                            Fixtures.dialog with
                                Lines = List.init 10 line
                        }
                    ))

            Expect.equal d.Lines.Length 7 "seven kept"
        }

        test "dialog keeps the lines of at most four speakers" {
            let line i = {
                List.head Fixtures.dialog.Lines with
                    Speaker = $"Speaker {i}"
            }

            let d = DialogData.trim (List.init 6 line)
            Expect.equal (DialogData.speakers { Fixtures.dialog with Lines = d }).Length 4 "four speakers"
        }

        test "the script format upper-cases the speaker and adds tone and action" {
            Expect.equal
                (DialogLine.toScript (List.head Fixtures.dialog.Lines))
                "JOHN HANCOCK (defiant) \"There, the king may read that without his spectacles.\" [sets down the quill]"
                "script line"
        }

        test "an image prompt longer than 15,000 characters is refused" {
            let long = System.String('x', 15001)
            let e = errors ImagePromptData.decoder $"""{{"full_prompt": "{long}"}}"""
            Expect.stringContains (List.head e) "at most 15000" "length limit"

            let fine =
                ok ImagePromptData.decoder $"""{{"full_prompt": "{System.String('x', 12000)}"}}"""

            Expect.isFalse (ImagePromptData.isWithinTarget fine) "12,000 is over the 11,000 target"
            Expect.equal fine.QualityTags ImagePromptData.defaultTags "default tags"
        }

        test "numbers given as strings are accepted" {
            let t =
                ok TimelineData.decoder """{"year": "-44", "month": "3", "location": "Rome"}"""

            Expect.equal (t.Year, t.Month) (-44, Some 3) "coerced"
        }
    ]

let golden =
    testList "wire format" [
        test "a judge result has this exact JSON" {
            Expect.equal
                (Encode.toString (JudgeResult.encode Fixtures.judge))
                """{"is_valid":true,"query_type":"historical","cleaned_query":"signing of the declaration of independence","confidence":0.95,"reason":null,"suggested_query":null,"detected_year":1776,"detected_location":"Philadelphia","detected_figures":["John Hancock"]}"""
                "golden"
        }

        test "a dialog line has this exact JSON" {
            Expect.equal
                (Encode.toString (DialogLine.encode (List.head Fixtures.dialog.Lines)))
                """{"speaker":"John Hancock","text":"There, the king may read that without his spectacles.","tone":"defiant","is_whispered":false,"action":"sets down the quill","direction":null,"response_to":null}"""
                "golden"
        }

        test "a pending timepoint summary has this exact JSON" {
            let t =
                Timepoint.pending Fixtures.fixedId "rome 50 BCE" "rome-50-bce" false Fixtures.createdAt

            Expect.equal
                (Encode.toString (TimepointWire.encode false t))
                """{"id":"11111111-2222-3333-4444-555555555555","query":"rome 50 BCE","slug":"rome-50-bce","status":"pending","year":null,"month":null,"day":null,"hour":null,"minute":null,"season":null,"time_of_day":null,"era":null,"location":null,"calendar":null,"region":null,"dual_year":null,"generate_image":false,"image_prompt":null,"image_url":null,"has_image":false,"image_error":null,"error":null,"error_kind":null,"error_provider_kind":null,"error_step":null,"suggested_query":null,"parent_id":null,"preset_used":null,"text_model_used":null,"image_model_used":null,"model_provider":null,"model_permissiveness":null,"generation_time_ms":null,"created_at":"2026-01-02T03:04:05.000Z","updated_at":"2026-01-02T03:04:05.000Z","image_base64":null,"is_deleted":false,"sequence_id":null,"render_type":"image","generation_version":1,"tags":null,"visibility":"public","share_url":null,"blob_folder_name":null,"blob_path":null,"blob_written_at":null,"request_context":null,"scene":null,"characters":null,"dialog":null,"moment":null,"grounding":null,"grounding_status":null,"calendars":null,"metadata":null}"""
                "golden"
        }

        test
            "a full timepoint carries has_image, the moment at top level and image_prompt_data for the reference's clients" {
            let pending =
                Timepoint.pending Fixtures.fixedId "rome 50 BCE" "rome-50-bce" false Fixtures.createdAt
                |> Timepoint.withOutput MomentData.key Fixtures.moment

            let t = { pending with HasImage = true }

            let wire = TimepointWire.encode true t
            let meta = wire["metadata"]
            let expected = Encode.toString (MomentData.encode Fixtures.moment)
            let top = Encode.toString wire["moment"]
            let kept = Encode.toString meta["moment"]
            Expect.equal top expected "top-level moment"
            Expect.equal kept expected "metadata moment kept"
            Expect.isTrue (wire["has_image"].GetValue<bool>()) "has_image"
            Expect.isTrue (meta.AsObject().ContainsKey "image_prompt_data") "image_prompt_data present"
            let promptData = meta["image_prompt_data"]
            Expect.isNull promptData "null without an image prompt"
        }

        test "HTML-sensitive characters in generated text are escaped on the wire" {
            let s = Encode.toString (Encode.string "<script>alert(1)</script>")
            Expect.isFalse (s.Contains "<script>") "no raw tag"
        }

        test "statuses and steps have lower-case wire names" {
            Expect.equal
                (TimepointStatus.all |> List.map TimepointStatus.name)
                [ "pending"; "processing"; "completed"; "failed" ]
                "statuses"

            Expect.equal
                (Steps.all |> List.map Step.name)
                [
                    "judge"
                    "grounding"
                    "timeline"
                    "scene"
                    "characters"
                    "moment"
                    "camera"
                    "graph"
                    "dialog"
                    "critique"
                    "dialog_revision"
                    "image_prompt"
                    "image_generation"
                ]
                "steps"
        }
    ]

let providerKinds =
    testList "provider kinds" [
        test "every provider kind's name parses back to it, and names are distinct" {
            for k in ProviderErrorKind.all do
                Expect.equal (ProviderErrorKind.tryParse (ProviderErrorKind.name k)) (Some k) (ProviderErrorKind.name k)

            let names = ProviderErrorKind.all |> List.map ProviderErrorKind.name
            Expect.equal (List.distinct names) names "distinct"
        }

        test "a provider error's metric name is its stored kind's name; a cancellation has no stored kind" {
            let errors = [
                ProviderError.MissingKey "p"
                ProviderError.AuthFailed("p", 401)
                ProviderError.RateLimited("p", None)
                ProviderError.Unavailable("p", None, "m")
                ProviderError.Timeout("p", System.TimeSpan.FromSeconds 1.0)
                ProviderError.BadRequest("p", 400, "m")
                ProviderError.BadResponse("p", "m")
                ProviderError.CircuitOpen "p"
                ProviderError.Blocked("p", BlockReason.Refusal, "no")
                ProviderError.Truncated("p", Some 10)
                ProviderError.QuotaExhausted("p", "m")
                ProviderError.Moderated("p", [ "r" ])
                ProviderError.UpstreamError("p", Some 502, "m")
            ]

            Expect.equal
                (errors |> List.choose ProviderError.tryKind)
                ProviderErrorKind.all
                "every case has its own kind"

            for e in errors do
                Expect.equal
                    (ProviderError.kind e)
                    (ProviderError.tryKind e |> Option.get |> ProviderErrorKind.name)
                    "name"

            Expect.isNone (ProviderError.tryKind ProviderError.Cancelled) "cancellation"
            Expect.equal (ProviderError.kind ProviderError.Cancelled) "cancelled" "metric name"
        }

        test "a failed timepoint's error fields have this exact JSON" {
            let t = {
                Timepoint.pending Fixtures.fixedId "rome 50 BCE" "rome-50-bce" false Fixtures.createdAt with
                    Status = TimepointStatus.Failed
                    Error =
                        Some {
                            Kind = FailureKind.Provider
                            ProviderKind = Some ProviderErrorKind.QuotaExhausted
                            Step = Some Step.Scene
                            Message = "[openai] quota exhausted"
                            SuggestedQuery = None
                        }
            }

            Expect.stringContains
                (Encode.toString (TimepointWire.encode false t))
                "\"error\":\"scene: [openai] quota exhausted\",\"error_kind\":\"provider\",\"error_provider_kind\":\"quota_exhausted\",\"error_step\":\"scene\""
                "golden"
        }
    ]

let tests = testList "Domain" [ codecs; golden; providerKinds ]
