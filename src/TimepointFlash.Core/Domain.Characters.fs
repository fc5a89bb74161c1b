namespace TimepointFlash

open FsToolkit.ErrorHandling

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

    /// Parses a wire name, case-insensitively.
    let tryParse (s: string) =
        match s.Trim().ToLowerInvariant() with
        | "primary" -> Some CharacterRole.Primary
        | "secondary" -> Some CharacterRole.Secondary
        | "background" -> Some CharacterRole.Background
        | _ -> None

    /// Decoder for a role.
    let decoder: Decoder<CharacterRole> =
        fun path el ->
            Decode.string path el
            |> Result.bind (fun s ->
                match tryParse s with
                | Some r -> Ok r
                | None -> Decode.fail path $"must be one of primary, secondary, background, got \"{s}\"")

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

    /// Reads the voice fields of a character object (all optional; a death year before the birth year is dropped).
    let decoder: Decoder<Voice> =
        fun path el -> validation {
            let! personality = Decode.text "personality" path el
            and! style = Decode.text "speaking_style" path el
            and! notes = Decode.text "voice_notes" path el
            and! emotion = Decode.text "emotional_state" path el
            and! born = Decode.optional "birth_year" (Decode.intRange -10000 10000) path el
            and! died = Decode.optional "death_year" (Decode.intRange -10000 10000) path el

            let died =
                match born, died with
                | Some b, Some d when d < b -> None
                | _ -> died

            return {
                Personality = personality
                SpeakingStyle = style
                VoiceNotes = notes
                EmotionalState = emotion
                BirthYear = born
                DeathYear = died
            }
        }

    /// The voice's wire properties (flat, beside the character's other fields).
    let properties (v: Voice) = [
        "personality", Encode.opt Encode.string v.Personality
        "speaking_style", Encode.opt Encode.string v.SpeakingStyle
        "voice_notes", Encode.opt Encode.string v.VoiceNotes
        "emotional_state", Encode.opt Encode.string v.EmotionalState
        "birth_year", Encode.opt Encode.int v.BirthYear
        "death_year", Encode.opt Encode.int v.DeathYear
    ]

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

    /// Reads one character.
    let decoder: Decoder<Character> =
        fun path el -> validation {
            let! name = Decode.field "name" Decode.nonBlank path el
            and! role = Decode.withDefault "role" CharacterRole.Secondary CharacterRole.decoder path el
            and! description = Decode.field "description" Decode.nonBlank path el
            and! clothing = Decode.text "clothing" path el
            and! expression = Decode.text "expression" path el
            and! pose = Decode.text "pose" path el
            and! action = Decode.text "action" path el
            and! position = Decode.text "position_in_scene" path el
            and! age = Decode.text "age_description" path el
            and! note = Decode.text "historical_note" path el
            and! speaks = Decode.withDefault "speaks_in_scene" false Decode.bool path el
            and! voice = Voice.decoder path el

            return {
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
            }
        }

    /// Wire form.
    let encode (c: Character) =
        Encode.obj [
            "name", Encode.string c.Name
            "role", Encode.string (CharacterRole.name c.Role)
            "description", Encode.string c.Description
            "clothing", Encode.opt Encode.string c.Clothing
            "expression", Encode.opt Encode.string c.Expression
            "pose", Encode.opt Encode.string c.Pose
            "action", Encode.opt Encode.string c.Action
            "position_in_scene", Encode.opt Encode.string c.PositionInScene
            "age_description", Encode.opt Encode.string c.AgeDescription
            "historical_note", Encode.opt Encode.string c.HistoricalNote
            "speaks_in_scene", Encode.bool c.SpeaksInScene
            yield! Voice.properties c.Voice
        ]

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

    /// Reads and validates a cast (1–8 after trimming; names unique).
    let decoder: Decoder<CharacterData> =
        fun path el -> validation {
            let! characters =
                Decode.field
                    "characters"
                    (Decode.list Character.decoder
                     |> Decode.check (fun cs ->
                         if List.isEmpty cs then
                             Some "must name at least one character"
                         else
                             None))
                    path
                    el

            and! focal = Decode.text "focal_character" path el
            and! dynamics = Decode.text "group_dynamics" path el
            and! note = Decode.text "historical_accuracy_note" path el

            let unique =
                characters |> List.distinctBy (fun c -> c.Name.ToLowerInvariant()) |> trim

            return {
                Characters = unique
                FocalCharacter = focal
                GroupDynamics = dynamics
                HistoricalAccuracyNote = note
            }
        }

    /// Wire form.
    let encode (d: CharacterData) =
        Encode.obj [
            "characters", Encode.list Character.encode d.Characters
            "focal_character", Encode.opt Encode.string d.FocalCharacter
            "group_dynamics", Encode.opt Encode.string d.GroupDynamics
            "historical_accuracy_note", Encode.opt Encode.string d.HistoricalAccuracyNote
        ]

    /// Where the output is kept (metadata.characters).
    let key = OutputKey.create "characters" encode decoder
