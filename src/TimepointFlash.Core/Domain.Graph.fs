namespace TimepointFlash

/// What one character is to another.
[<RequireQualifiedAccess>]
type RelationshipType =
    | Ally
    | Rival
    | Enemy
    | Subordinate
    | Leader
    | Mentor
    | Family
    | Friend
    | Stranger
    | Neutral

/// How a relationship feels at the moment.
[<RequireQualifiedAccess>]
type RelationshipTension =
    | Friendly
    | Neutral
    | Tense
    | Hostile

/// A directed relationship between two characters.
type Relationship = {
    FromCharacter: string
    ToCharacter: string
    RelationshipType: RelationshipType
    TensionLevel: RelationshipTension
    Description: string option
}

/// A group of characters with a shared goal.
type Faction = {
    Name: string
    Members: string list
    Goal: string option
}

/// The relationship graph of the scene.
type GraphData = {
    Relationships: Relationship list
    Factions: Faction list
    PowerDynamics: string option
    CentralConflict: string option
    Alliances: string list
    Rivalries: string list
    HistoricalContext: string option
}

[<RequireQualifiedAccess>]
module RelationshipType =
    /// The kinds the prompt offers; anything else reads as neutral.
    let vocabulary =
        Vocabulary.create
            [
                RelationshipType.Ally, "ally"
                RelationshipType.Rival, "rival"
                RelationshipType.Enemy, "enemy"
                RelationshipType.Subordinate, "subordinate"
                RelationshipType.Leader, "leader"
                RelationshipType.Mentor, "mentor"
                RelationshipType.Family, "family"
                RelationshipType.Friend, "friend"
                RelationshipType.Stranger, "stranger"
                RelationshipType.Neutral, "neutral"
            ]
            [
                "allies", RelationshipType.Ally
                "alliance", RelationshipType.Ally
                "rivals", RelationshipType.Rival
                "rivalry", RelationshipType.Rival
                "foe", RelationshipType.Enemy
                "adversary", RelationshipType.Enemy
                "servant", RelationshipType.Subordinate
                "follower", RelationshipType.Subordinate
                "commander", RelationshipType.Leader
                "superior", RelationshipType.Leader
                "master", RelationshipType.Leader
                "teacher", RelationshipType.Mentor
                "kin", RelationshipType.Family
                "relative", RelationshipType.Family
                "friends", RelationshipType.Friend
                "acquaintance", RelationshipType.Stranger
                "unknown", RelationshipType.Stranger
            ]
            (Some RelationshipType.Neutral)

    /// Stored name.
    let name = Vocabulary.name vocabulary

    /// Reads a word leniently; anything else is neutral.
    let parse (s: string) =
        Vocabulary.tryParse vocabulary s |> Option.defaultValue RelationshipType.Neutral

[<RequireQualifiedAccess>]
module RelationshipTension =
    /// Friendly, neutral, tense or hostile; anything else reads as neutral.
    let vocabulary =
        Vocabulary.create
            [
                RelationshipTension.Friendly, "friendly"
                RelationshipTension.Neutral, "neutral"
                RelationshipTension.Tense, "tense"
                RelationshipTension.Hostile, "hostile"
            ]
            [
                "warm", RelationshipTension.Friendly
                "cordial", RelationshipTension.Friendly
                "calm", RelationshipTension.Neutral
                "strained", RelationshipTension.Tense
                "uneasy", RelationshipTension.Tense
                "antagonistic", RelationshipTension.Hostile
                "violent", RelationshipTension.Hostile
            ]
            (Some RelationshipTension.Neutral)

    /// Stored name.
    let name = Vocabulary.name vocabulary

    /// Reads a word leniently; anything else is neutral.
    let parse (s: string) =
        Vocabulary.tryParse vocabulary s
        |> Option.defaultValue RelationshipTension.Neutral

[<RequireQualifiedAccess>]
module Relationship =
    /// (from, to, type).
    let toEdge (r: Relationship) =
        r.FromCharacter, r.ToCharacter, r.RelationshipType

    /// The codec of one relationship.
    let codec: Codec<Relationship> =
        Codec.record (fun from target kind tension description -> {
            FromCharacter = from
            ToCharacter = target
            RelationshipType = kind
            TensionLevel = tension
            Description = description
        })
        |> Codec.required "from_character" (fun r -> r.FromCharacter) Codec.label
        |> Codec.required "to_character" (fun r -> r.ToCharacter) Codec.label
        |> Codec.fallback
            "relationship_type"
            (fun r -> r.RelationshipType)
            RelationshipType.Neutral
            (Vocabulary.codec RelationshipType.vocabulary)
        |> Codec.fallback
            "tension_level"
            (fun r -> r.TensionLevel)
            RelationshipTension.Neutral
            (Vocabulary.codec RelationshipTension.vocabulary)
        |> Codec.optional "description" (fun r -> r.Description) Codec.prose
        |> Codec.seal

[<RequireQualifiedAccess>]
module Faction =
    /// The codec of one faction.
    let codec: Codec<Faction> =
        Codec.record (fun name members goal -> {
            Name = name
            Members = members
            Goal = goal
        })
        |> Codec.required "name" (fun f -> f.Name) Codec.label
        |> Codec.fallback "members" (fun f -> f.Members) [] (Codec.list (Some 8) Codec.label)
        |> Codec.optional "goal" (fun f -> f.Goal) Codec.prose
        |> Codec.seal

[<RequireQualifiedAccess>]
module GraphData =
    /// Relationships with the character at either end (exact name).
    let relationshipsOf (name: string) (g: GraphData) =
        g.Relationships
        |> List.filter (fun r -> r.FromCharacter = name || r.ToCharacter = name)

    /// The first faction listing the character (exact name).
    let factionOf (name: string) (g: GraphData) =
        g.Factions |> List.tryFind (fun f -> List.contains name f.Members)

    /// The graph's one definition.
    let codec: Codec<GraphData> =
        Codec.record (fun relationships factions power conflict alliances rivalries context -> {
            Relationships = relationships
            Factions = factions
            PowerDynamics = power
            CentralConflict = conflict
            Alliances = alliances
            Rivalries = rivalries
            HistoricalContext = context
        })
        |> Codec.fallback "relationships" (fun g -> g.Relationships) [] (Codec.list (Some 16) Relationship.codec)
        |> Codec.fallback "factions" (fun g -> g.Factions) [] (Codec.list (Some 4) Faction.codec)
        |> Codec.optional "power_dynamics" (fun g -> g.PowerDynamics) Codec.prose
        |> Codec.optional "central_conflict" (fun g -> g.CentralConflict) Codec.prose
        |> Codec.defaulted "alliances" (fun g -> g.Alliances) [] (Codec.list (Some 6) Codec.label)
        |> Codec.defaulted "rivalries" (fun g -> g.Rivalries) [] (Codec.list (Some 6) Codec.label)
        |> Codec.optional "historical_context" (fun g -> g.HistoricalContext) Codec.prose
        |> Codec.seal

    /// Reads and validates a graph answer.
    let decoder = codec.Decoder

    /// Wire form.
    let encode = codec.Encode

    /// Where the output is kept (metadata.graph).
    let key = OutputKey.ofCodec "graph" codec
