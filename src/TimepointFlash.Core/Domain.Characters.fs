namespace TimepointFlash

/// A character's weight in the scene.
[<RequireQualifiedAccess>]
type CharacterRole =
    | Primary
    | Secondary
    | Background

/// How a person talks and feels at the moment: what chat, dialog extension and surveys speak with.
type Voice = {
    Personality: string option
    SpeakingStyle: string option
    VoiceNotes: string option
    EmotionalState: string option
    BirthYear: int option
    DeathYear: int option
}

/// One person in the scene.
type Character = {
    Name: string
    Role: CharacterRole
    Description: string
    Clothing: string option
    Expression: string option
    Pose: string option
    Action: string option
    PositionInScene: string option
    AgeDescription: string option
    HistoricalNote: string option
    SpeaksInScene: bool
    /// Their voice; every field is optional, so scenes stored before voices existed still decode.
    Voice: Voice
}

/// The cast of the scene (at most 8, trimmed primary → secondary → background).
type CharacterData = {
    Characters: Character list
    FocalCharacter: string option
    GroupDynamics: string option
    HistoricalAccuracyNote: string option
}

[<RequireQualifiedAccess>]
module CharacterRole =
    /// Wire name.
    let name =
        function
        | CharacterRole.Primary -> "primary"
        | CharacterRole.Secondary -> "secondary"
        | CharacterRole.Background -> "background"

    /// Trimming priority: lower keeps first.
    let rank =
        function
        | CharacterRole.Primary -> 0
        | CharacterRole.Secondary -> 1
        | CharacterRole.Background -> 2

    /// Primary, secondary or background; anything else reads as secondary (a figure of the scene, not its lead).
    let vocabulary =
        Vocabulary.create
            [
                CharacterRole.Primary, name CharacterRole.Primary
                CharacterRole.Secondary, name CharacterRole.Secondary
                CharacterRole.Background, name CharacterRole.Background
            ]
            [
                "main", CharacterRole.Primary
                "lead", CharacterRole.Primary
                "protagonist", CharacterRole.Primary
                "supporting", CharacterRole.Secondary
                "minor", CharacterRole.Background
                "extra", CharacterRole.Background
                "bystander", CharacterRole.Background
            ]
            (Some CharacterRole.Secondary)

    /// Parses a wire name leniently (see Vocabulary.tryParse).
    let tryParse (s: string) = Vocabulary.tryParse vocabulary s

    /// Decoder for a role (lenient).
    let decoder: Decoder<CharacterRole> = (Vocabulary.codec vocabulary).Decoder

[<RequireQualifiedAccess>]
module Voice =
    /// A voice with nothing known.
    let empty = {
        Personality = None
        SpeakingStyle = None
        VoiceNotes = None
        EmotionalState = None
        BirthYear = None
        DeathYear = None
    }

    // Checked within ±10000 but asked without bounds (a model's "unknown" is null).
    let private year = {
        Codec.intRange -10000 10000 with
            Schema = Schema.Integer(None, None)
    }

    /// The voice's properties (flat, beside the character's other fields; all optional, so scenes stored before
    /// voices existed still decode; a death year before the birth year is dropped).
    let fields: Fields<Voice, Voice> =
        let fields =
            Codec.record (fun personality style notes emotion born died -> {
                Personality = personality
                SpeakingStyle = style
                VoiceNotes = notes
                EmotionalState = emotion
                BirthYear = born
                DeathYear =
                    match born, died with
                    | Some b, Some d when d < b -> None
                    | _ -> died
            })
            |> Codec.optional "personality" (fun v -> v.Personality) Codec.label
            |> Codec.optional "speaking_style" (fun v -> v.SpeakingStyle) Codec.guidance
            |> Codec.optional "voice_notes" (fun v -> v.VoiceNotes) Codec.guidance
            |> Codec.optional "emotional_state" (fun v -> v.EmotionalState) Codec.label
            |> Codec.optional "birth_year" (fun v -> v.BirthYear) year
            |> Codec.optional "death_year" (fun v -> v.DeathYear) year

        fields

    /// Reads the voice fields of a character object.
    let decoder: Decoder<Voice> = fields.Decode

[<RequireQualifiedAccess>]
module Character =
    /// The most characters a scene keeps.
    let maxCount = 8

    /// "name, description, wearing …, expression: …, pose: …, action: …" for prompts.
    let describe (c: Character) =
        [
            Some c.Name
            Some c.Description
            c.Clothing |> Option.map (sprintf "wearing %s")
            c.Expression |> Option.map (sprintf "expression: %s")
            c.Pose |> Option.map (sprintf "pose: %s")
            c.Action |> Option.map (sprintf "action: %s")
        ]
        |> List.choose id
        |> String.concat ", "

    /// The codec of one character.
    let codec: Codec<Character> =
        Codec.record (fun name role description clothing expression pose action position age note speaks voice -> {
            Name = name
            Role = role
            Description = description
            Clothing = clothing
            Expression = expression
            Pose = pose
            Action = action
            PositionInScene = position
            AgeDescription = age
            HistoricalNote = note
            SpeaksInScene = speaks
            Voice = voice
        })
        |> Codec.required "name" (fun c -> c.Name) Codec.label
        |> Codec.fallback "role" (fun c -> c.Role) CharacterRole.Secondary (Vocabulary.codec CharacterRole.vocabulary)
        |> Codec.required "description" (fun c -> c.Description) Codec.prose
        |> Codec.optional "clothing" (fun c -> c.Clothing) Codec.prose
        |> Codec.optional "expression" (fun c -> c.Expression) Codec.prose
        |> Codec.optional "pose" (fun c -> c.Pose) Codec.prose
        |> Codec.optional "action" (fun c -> c.Action) Codec.prose
        |> Codec.optional "position_in_scene" (fun c -> c.PositionInScene) Codec.prose
        |> Codec.optional "age_description" (fun c -> c.AgeDescription) Codec.label
        |> Codec.optional "historical_note" (fun c -> c.HistoricalNote) Codec.hindsight
        |> Codec.fallback "speaks_in_scene" (fun c -> c.SpeaksInScene) false Codec.bool
        |> Codec.flatten (fun c -> c.Voice) Voice.fields
        |> Codec.seal

    /// Reads one character.
    let decoder = codec.Decoder

    /// Wire form.
    let encode = codec.Encode

[<RequireQualifiedAccess>]
module CharacterData =
    /// Keeps at most 8: when over, all primary, then secondary, then background (stable), else the original order.
    let trim (cs: Character list) =
        if List.length cs <= Character.maxCount then
            cs
        else
            cs
            |> List.sortBy (fun c -> CharacterRole.rank c.Role)
            |> List.truncate Character.maxCount

    /// Characters with a given role.
    let withRole role (d: CharacterData) =
        d.Characters |> List.filter (fun c -> c.Role = role)

    /// Characters who speak in the scene.
    let speaking (d: CharacterData) =
        d.Characters |> List.filter (fun c -> c.SpeaksInScene)

    /// Case-insensitive exact name lookup.
    let tryFind (name: string) (d: CharacterData) =
        d.Characters
        |> List.tryFind (fun c -> c.Name.ToLowerInvariant() = name.Trim().ToLowerInvariant())

    /// The cast's one definition (1–8 after trimming; names unique).
    let codec: Codec<CharacterData> =
        Codec.record (fun characters focal dynamics note -> {
            Characters =
                characters
                |> List.distinctBy (fun (c: Character) -> c.Name.ToLowerInvariant())
                |> trim
            FocalCharacter = focal
            GroupDynamics = dynamics
            HistoricalAccuracyNote = note
        })
        |> Codec.required
            "characters"
            (fun d -> d.Characters)
            (Codec.list (Some Character.maxCount) Character.codec
             |> Codec.check (fun cs ->
                 if List.isEmpty cs then
                     Some "must name at least one character"
                 else
                     None))
        |> Codec.optional "focal_character" (fun d -> d.FocalCharacter) Codec.label
        |> Codec.optional "group_dynamics" (fun d -> d.GroupDynamics) Codec.prose
        |> Codec.optional "historical_accuracy_note" (fun d -> d.HistoricalAccuracyNote) Codec.hindsight
        |> Codec.seal

    /// Reads and validates a cast.
    let decoder = codec.Decoder

    /// Wire form.
    let encode = codec.Encode

    /// Where the output is kept (metadata.characters).
    let key = OutputKey.ofCodec "characters" codec
