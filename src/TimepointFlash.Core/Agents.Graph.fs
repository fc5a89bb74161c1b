namespace TimepointFlash.Agents

open TimepointFlash

/// Step 4c: who stands with whom.
[<RequireQualifiedAccess>]
module Graph =

    /// Output schema.
    let schema = GraphData.codec.Schema

    let private system =
        """You map the relationships between the people in a historical scene.
For pairs that matter, give the relationship (ally, rival, enemy, subordinate, leader, mentor, family, friend, stranger, neutral), its tension (friendly, neutral, tense, hostile) and a one-line description. Group people into factions with a goal, and describe the power dynamics, the central conflict, alliances and rivalries.
Use only the names given, spelled exactly as given.
Keep the graph small: only pairs with a real bond or conflict; no neutral or stranger pairs, no pairs between two background figures, and at most twice as many relationships as people. Factions are optional: leave them out when nobody is organised."""

    /// Builds the graph prompt.
    let buildPrompt (input: GraphInput) =
        let people =
            input.Characters.Characters
            |> List.map (fun c -> $"{c.Name} ({CharacterRole.name c.Role}): {c.Description}")

        {
            System = system
            User =
                "Map the relationships in this moment.\n"
                + AgentKit.quoteQuery input.Query
                + "\n\n"
                + AgentKit.facts [
                    "date", Some(AgentKit.dateLine input.Timeline)
                    "place", Some input.Timeline.Location
                    "era", input.Timeline.Era
                    "group dynamics", input.Characters.GroupDynamics
                ]
                + "\n\nPeople:\n"
                + AgentKit.bullets "various people" people
        }

    /// Prunes the graph: no neutral or stranger pairs, no pair of two background figures, at most twice the cast.
    let prune (cast: CharacterData) (g: GraphData) =
        let background =
            cast.Characters
            |> List.filter (fun c -> c.Role = CharacterRole.Background)
            |> List.map (fun c -> c.Name.ToLowerInvariant())
            |> Set.ofList

        let isBackground (n: string) =
            background.Contains(n.ToLowerInvariant())

        let weak (r: Relationship) =
            match r.RelationshipType with
            | RelationshipType.Neutral
            | RelationshipType.Stranger -> true
            | _ -> false

        {
            g with
                Relationships =
                    g.Relationships
                    |> List.filter (fun r ->
                        not (weak r) && not (isBackground r.FromCharacter && isBackground r.ToCharacter))
                    |> List.truncate (2 * List.length cast.Characters)
        }

    /// Keeps relationships and faction members that name people present.
    let private onlyPresent (input: GraphInput) (g: GraphData) =
        let present =
            input.Characters.Characters
            |> List.map (fun c -> c.Name.ToLowerInvariant())
            |> Set.ofList

        let isPresent (n: string) = present.Contains(n.ToLowerInvariant())

        {
            g with
                Relationships =
                    g.Relationships
                    |> List.filter (fun r ->
                        isPresent r.FromCharacter
                        && isPresent r.ToCharacter
                        && r.FromCharacter <> r.ToCharacter)
                Factions =
                    g.Factions
                    |> List.map (fun f -> {
                        f with
                            Members = f.Members |> List.filter isPresent
                    })
        }

    /// The graph agent.
    let agent: Agent<GraphInput, GraphData> = {
        Step = Step.Graph
        Role = ModelRole.Creative
        Temperature = 0.5
        MaxTokens = 2048
        Schema = schema
        BuildPrompt = buildPrompt
        Parse =
            fun input text ->
                AgentKit.parseWith GraphData.decoder text
                |> Result.map (onlyPresent input >> prune input.Characters)
    }
