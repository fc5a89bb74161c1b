/// The output codecs (one definition per agent output): round trips, lenient vocabularies, and the strings the
/// anachronism check reads.
module TimepointFlash.Tests.Codecs

open System
open System.Text.Json.Nodes
open Expecto
open FsCheck
open FsCheck.FSharp
open TimepointFlash
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Persistence

let private config = {
    FsCheckConfig.defaultConfig with
        maxTest = 100
        arbitrary = []
}

let private grounding = gen {
    let! date = BasicGenerators.opt BasicGenerators.text
    let! place = BasicGenerators.opt BasicGenerators.text
    let! participants = BasicGenerators.texts
    let! facts = BasicGenerators.texts
    let! urls = BasicGenerators.texts
    let! confidence = BasicGenerators.unit01

    return {
        VerifiedDate = date
        VerifiedLocation = place
        Participants = participants
        Facts = facts
        Sources = urls |> List.distinct |> List.map (fun u -> { Title = $"About {u}"; Url = u })
        Confidence = confidence
    }
}

/// One output codec with a generator of values in its decoder's normal form, as a test over it.
type private Output = {
    Name: string
    RoundTrip: FsCheckConfig -> Test
    Leaves: FsCheckConfig -> Test
}

/// Every string leaf of a JSON value with its path ("lines[0].text"), skipping the top-level properties in skip.
let rec private stringLeaves (path: string) (node: JsonNode) : (string * string) list =
    match node with
    | null -> []
    | :? JsonObject as o -> [
        for kv in o do
            let child = if path = "" then kv.Key else $"{path}.{kv.Key}"
            yield! stringLeaves child kv.Value
      ]
    | :? JsonArray as a ->
        a
        |> Seq.mapi (fun i x -> stringLeaves $"{path}[{i}]" x)
        |> Seq.concat
        |> List.ofSeq
    | v when v.GetValueKind() = Text.Json.JsonValueKind.String -> [ path, v.GetValue<string>() ]
    | _ -> []

let private asked (codec: Codec<'T>) =
    match codec.Schema with
    | Schema.Object(props, _) -> props |> List.map fst |> Set.ofList
    | _ -> Set.empty

let private output name (codec: Codec<'T>) (values: Gen<'T>) : Output = {
    Name = name
    RoundTrip =
        fun config ->
            testPropertyWithConfig
                config
                $"{name}: decode (encode x) = x"
                (Prop.forAll (Arb.fromGen values) (fun x -> Decode.fromNode codec.Decoder (codec.Encode x) = Ok x))
    Leaves =
        fun config ->
            testPropertyWithConfig
                config
                $"{name}: every string the encoder writes is one the codec declares, same path"
                (Prop.forAll (Arb.fromGen values) (fun x ->
                    let fields = asked codec
                    // Derived properties (display_year) are written but never asked of the model, nor read.
                    let written =
                        stringLeaves "" (codec.Encode x)
                        |> List.filter (fun (p, _) -> fields.Contains(p.Split('.', '[').[0]))

                    let declared = codec.Strings x |> List.map (fun l -> l.Path, l.Text)
                    written = declared))
}

let private outputs = [
    output "judge" JudgeResult.codec BasicGenerators.judge
    output "grounding" GroundingData.codec grounding
    output "timeline" TimelineData.codec BasicGenerators.timeline
    output "scene" SceneData.codec AgentGenerators.scene
    output "characters" CharacterData.codec AgentGenerators.characters
    output "moment" MomentData.codec AgentGenerators.moment
    output "dialog" DialogData.storedCodec AgentGenerators.dialog
    output "camera" CameraData.codec AgentGenerators.camera
    output "graph" GraphData.codec AgentGenerators.graph
    output "critique" CritiqueData.codec AgentGenerators.critique
    output "image_prompt" ImagePromptData.codec AgentGenerators.imagePrompt
]

/// One closed vocabulary with the tests over it.
type private Vocab = {
    Name: string
    Spelling: FsCheckConfig -> Test
    Unknown: FsCheckConfig -> Test
}

/// A canonical spelling with random letter case, white space around it and runs of white space between its words.
let private respelled (canonical: string) = gen {
    let space = Gen.elements [ " "; "  "; "\t"; " \n " ]
    let edge = Gen.elements [ ""; " "; "\t "; "\n" ]
    let words = canonical.Split ' '

    let! cased =
        canonical
        |> Seq.map (fun c -> Gen.elements [ Char.ToUpperInvariant c; Char.ToLowerInvariant c ])
        |> Gen.sequenceToList

    let cased = String(Array.ofList cased)
    let casedWords = cased.Split ' '
    let! gaps = Gen.listOfLength (words.Length - 1) space
    let! before = edge
    let! after = edge

    let body =
        Seq.zip casedWords ("" :: gaps)
        |> Seq.map (fun (w, gap) -> gap + w)
        |> String.concat ""

    return before + body + after
}

let private decodeWord (v: Vocabulary<'T>) (s: string) =
    Decode.fromNode (Vocabulary.codec v).Decoder (JsonValue.Create s)

let private vocab name (v: Vocabulary<'T>) : Vocab = {
    Name = name
    Spelling =
        fun config ->
            testPropertyWithConfig
                config
                $"{name}: any canonical spelling in any case and spacing reads as its case"
                (Prop.forAll
                    (Arb.fromGen (
                        gen {
                            let! case, canonical = Gen.elements v.Cases
                            let! spelled = respelled canonical
                            return case, spelled
                        }
                    ))
                    (fun (case, spelled) -> decodeWord v spelled = Ok case))
    Unknown =
        fun config ->
            testPropertyWithConfig
                config
                $"{name}: any text reads as a case, the stated fallback or a decode error, never a throw"
                (Prop.forAll (Arb.fromGen BasicGenerators.text) (fun s ->
                    match decodeWord v s, v.Unknown with
                    | Ok c, _ -> List.contains c (Vocabulary.all v)
                    | Error _, None -> true
                    | Error _, Some _ -> false))
}

let private vocabularies = [
    vocab "sense" Sense.vocabulary
    vocab "intensity" Intensity.vocabulary
    vocab "tension level" TensionLevel.vocabulary
    vocab "tension arc" TensionArc.vocabulary
    vocab "shot type" ShotType.vocabulary
    vocab "camera angle" CameraAngle.vocabulary
    vocab "depth of field" DepthOfField.vocabulary
    vocab "relationship type" RelationshipType.vocabulary
    vocab "relationship tension" RelationshipTension.vocabulary
    vocab "character role" CharacterRole.vocabulary
    vocab "query type" QueryType.vocabulary
    vocab "season" TimelineData.seasonVocabulary
    vocab "time of day" TimelineData.timeOfDayVocabulary
    vocab "severity" CritiqueData.severityVocabulary
    vocab "category" CritiqueData.categoryVocabulary
    vocab "aspect ratio" ImagePromptData.aspectRatioVocabulary
]

/// A step output that exists only here: one prose field the anachronism check has never been told about.
type private Caption = { Text: string }

let private caption =
    Codec.record (fun text -> { Text = text })
    |> Codec.required "text" (fun c -> c.Text) Codec.prose
    |> Codec.seal
    |> OutputKey.ofCodec "caption"

/// The checked (prose) paths of a value, with list indexes folded to [] so the set is stable.
let private prosePaths (codec: Codec<'T>) (x: 'T) =
    codec.Strings x
    |> List.filter (fun l -> l.Kind = TextKind.Prose)
    |> List.map (fun l -> Text.RegularExpressions.Regex.Replace(l.Path, @"\[\d+\]", "[]"))
    |> List.distinct

let tests =
    testList "Codecs" [
        testList "round trips" [ for o in outputs -> o.RoundTrip config ]
        testList "strings" [ for o in outputs -> o.Leaves config ]
        testList "vocabularies" [
            for v in vocabularies do
                v.Spelling config
                v.Unknown config
            test "a model's near-miss spellings read as the intended case" {
                let read v s = Vocabulary.tryParse v s

                Expect.equal (read TensionArc.vocabulary "Rising ") (Some TensionArc.Rising) "trailing space"
                Expect.equal (read ShotType.vocabulary "MEDIUM_CLOSE_UP") (Some ShotType.MediumCloseUp) "underscores"

                Expect.equal
                    (read CameraAngle.vocabulary "eye level, slightly low")
                    (Some CameraAngle.EyeLevel)
                    "a phrase"

                Expect.equal
                    (read TimelineData.timeOfDayVocabulary "late afternoon")
                    (Some TimeOfDay.Afternoon)
                    "afternoon, not noon"

                Expect.equal (read TimelineData.seasonVocabulary "Autumn") (Some Season.Fall) "synonym"

                Expect.equal
                    (read CharacterRole.vocabulary "background character")
                    (Some CharacterRole.Background)
                    "inside a phrase"
            }
            test "unknown words read per each vocabulary's stated rule" {
                let json s = $"\"{s}\""
                let ok (c: Codec<'T>) s = Decode.fromString c.Decoder (json s)

                Expect.equal (ok (Vocabulary.codec ShotType.vocabulary) "dolly zoom") (Ok ShotType.MediumWide) "shot"

                Expect.equal
                    (ok (Vocabulary.codec RelationshipType.vocabulary) "frenemy")
                    (Ok RelationshipType.Neutral)
                    "kind"

                Expect.isError (ok (Vocabulary.codec QueryType.vocabulary) "poem") "query type asks again"

                Expect.isError
                    (ok (Vocabulary.codec ImagePromptData.aspectRatioVocabulary) "2:1")
                    "aspect ratio asks again"
            }
            test "vocabularies are stored in their canonical spelling" {
                let stored =
                    SceneData.encode {
                        Fixtures.scene with
                            TensionLevel = TensionLevel.parse "  CLIMACTIC"
                    }

                Expect.equal (stored["tension_level"].GetValue<string>()) "climactic" "canonical"
            }
        ]
        testList "anachronism fields" [
            test "a prose field of a new output is checked without naming it anywhere else" {
                let t =
                    Timepoint.pending Fixtures.fixedId "q" "q" false Fixtures.createdAt
                    |> Timepoint.withOutput TimelineData.key Fixtures.timeline
                    |> Timepoint.withOutput caption { Text = "A telephone rings." }

                Expect.contains (SceneText.fields t) ("caption.text", "A telephone rings.") "listed"

                Expect.equal
                    (Anachronisms.scanScene t |> List.map (fun f -> f.Field, f.Term))
                    [ "caption.text", "telephone" ]
                    "found"
            }
            test "the fields checked in a full scene are exactly the prose fields (golden)" {
                let paths =
                    [
                        prosePaths TimelineData.codec Fixtures.timeline |> List.map ((+) "timeline.")
                        prosePaths SceneData.codec Fixtures.scene |> List.map ((+) "scene.")
                        prosePaths CharacterData.codec Fixtures.cast |> List.map ((+) "characters.")
                        prosePaths MomentData.codec Fixtures.moment |> List.map ((+) "moment.")
                        prosePaths DialogData.storedCodec {
                            Fixtures.dialog with
                                Lines = [
                                    {
                                        Fixtures.dialog.Lines.Head with
                                            Direction = Some "Aside"
                                    }
                                ]
                        }
                        |> List.map ((+) "dialog.")
                        prosePaths CameraData.codec Fixtures.camera |> List.map ((+) "camera.")
                        prosePaths GraphData.codec {
                            Fixtures.graph with
                                HistoricalContext = Some "Summer 1776"
                        }
                        |> List.map ((+) "graph.")
                        prosePaths CritiqueData.codec Fixtures.critique |> List.map ((+) "critique.")
                    ]
                    |> List.concat

                Expect.equal
                    paths
                    [
                        "timeline.historical_context"
                        "scene.setting"
                        "scene.atmosphere"
                        "scene.weather"
                        "scene.lighting"
                        "scene.temperature"
                        "scene.architecture"
                        "scene.objects[]"
                        "scene.furniture[]"
                        "scene.sensory_details[].description"
                        "scene.crowd_description"
                        "scene.social_dynamics"
                        "scene.mood"
                        "scene.focal_point"
                        "scene.color_palette[]"
                        "characters.characters[].description"
                        "characters.characters[].clothing"
                        "characters.characters[].expression"
                        "characters.characters[].pose"
                        "characters.characters[].action"
                        "characters.characters[].position_in_scene"
                        "characters.group_dynamics"
                        "moment.plot_summary"
                        "moment.before_context"
                        "moment.stakes"
                        "moment.emotional_beats[]"
                        "moment.central_question"
                        "dialog.lines[].text"
                        "dialog.lines[].action"
                        "dialog.lines[].direction"
                        "dialog.scene_context"
                        "camera.focal_point"
                        "camera.secondary_focus"
                        "camera.leading_lines[]"
                        "camera.foreground_elements[]"
                        "camera.midground_elements[]"
                        "camera.background_elements[]"
                        "camera.framing_intent"
                        "graph.relationships[].description"
                        "graph.factions[].goal"
                        "graph.power_dynamics"
                        "graph.central_conflict"
                        "graph.historical_context"
                    ]
                    "prose paths"
            }
            testPropertyWithConfig
                config
                "SceneText lists every prose string of every output of any timepoint, and nothing else"
                (Prop.forAll (Arb.fromGen Generators.timepoint) (fun t ->
                    let prose =
                        Outputs.strings t.Outputs
                        |> List.filter (fun l -> l.Kind = TextKind.Prose)
                        |> List.map (fun l -> l.Path, l.Text)

                    SceneText.fields t = prose
                    && prose
                       |> List.forall (fun (p, _) -> not (p.StartsWith "judge." || p.StartsWith "critique."))))
        ]
    ]
