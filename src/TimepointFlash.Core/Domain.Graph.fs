namespace TimepointFlash

open FsToolkit.ErrorHandling

/// A directed relationship between two characters.
type Relationship = {
    FromCharacter: string
    ToCharacter: string
    RelationshipType: string
    TensionLevel: string
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
module Relationship =
    /// Relationship kinds the prompt offers.
    let types = [
        "ally"
        "rival"
        "enemy"
        "subordinate"
        "leader"
        "mentor"
        "family"
        "friend"
        "stranger"
        "neutral"
    ]

    /// Tension levels the prompt offers.
    let tensions = [ "friendly"; "neutral"; "tense"; "hostile" ]

    /// (from, to, type).
    let toEdge (r: Relationship) =
        r.FromCharacter, r.ToCharacter, r.RelationshipType

    /// Reads one relationship.
    let decoder: Decoder<Relationship> =
        fun path el -> validation {
            let! from = Decode.field "from_character" Decode.nonBlank path el
            and! target = Decode.field "to_character" Decode.nonBlank path el
            and! kind = Decode.textOr "relationship_type" "neutral" path el
            and! tension = Decode.textOr "tension_level" "neutral" path el
            and! description = Decode.text "description" path el

            return {
                FromCharacter = from
                ToCharacter = target
                RelationshipType = kind.ToLowerInvariant()
                TensionLevel = tension.ToLowerInvariant()
                Description = description
            }
        }

    /// Wire form.
    let encode (r: Relationship) =
        Encode.obj [
            "from_character", Encode.string r.FromCharacter
            "to_character", Encode.string r.ToCharacter
            "relationship_type", Encode.string r.RelationshipType
            "tension_level", Encode.string r.TensionLevel
            "description", Encode.opt Encode.string r.Description
        ]

[<RequireQualifiedAccess>]
module Faction =
    /// Reads one faction.
    let decoder: Decoder<Faction> =
        fun path el -> validation {
            let! name = Decode.field "name" Decode.nonBlank path el
            and! members = Decode.listOrEmpty "members" Decode.nonBlank path el
            and! goal = Decode.text "goal" path el

            return {
                Name = name
                Members = members
                Goal = goal
            }
        }

    /// Wire form.
    let encode (f: Faction) =
        Encode.obj [
            "name", Encode.string f.Name
            "members", Encode.list Encode.string f.Members
            "goal", Encode.opt Encode.string f.Goal
        ]

[<RequireQualifiedAccess>]
module GraphData =
    /// Relationships with the character at either end (exact name).
    let relationshipsOf (name: string) (g: GraphData) =
        g.Relationships
        |> List.filter (fun r -> r.FromCharacter = name || r.ToCharacter = name)

    /// The first faction listing the character (exact name).
    let factionOf (name: string) (g: GraphData) =
        g.Factions |> List.tryFind (fun f -> List.contains name f.Members)

    /// Reads and validates a graph answer.
    let decoder: Decoder<GraphData> =
        fun path el -> validation {
            let! relationships = Decode.listOrEmpty "relationships" Relationship.decoder path el
            and! factions = Decode.listOrEmpty "factions" Faction.decoder path el
            and! power = Decode.text "power_dynamics" path el
            and! conflict = Decode.text "central_conflict" path el
            and! alliances = Decode.listOrEmpty "alliances" Decode.nonBlank path el
            and! rivalries = Decode.listOrEmpty "rivalries" Decode.nonBlank path el
            and! context = Decode.text "historical_context" path el

            return {
                Relationships = relationships
                Factions = factions
                PowerDynamics = power
                CentralConflict = conflict
                Alliances = alliances
                Rivalries = rivalries
                HistoricalContext = context
            }
        }

    /// Wire form.
    let encode (g: GraphData) =
        Encode.obj [
            "relationships", Encode.list Relationship.encode g.Relationships
            "factions", Encode.list Faction.encode g.Factions
            "power_dynamics", Encode.opt Encode.string g.PowerDynamics
            "central_conflict", Encode.opt Encode.string g.CentralConflict
            "alliances", Encode.list Encode.string g.Alliances
            "rivalries", Encode.list Encode.string g.Rivalries
            "historical_context", Encode.opt Encode.string g.HistoricalContext
        ]

    /// Where the output is kept (metadata.graph).
    let key = OutputKey.create "graph" encode decoder
