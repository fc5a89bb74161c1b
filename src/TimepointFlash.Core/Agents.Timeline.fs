namespace TimepointFlash.Agents

open TimepointFlash

/// Step 2: fixes the date, time and place of the moment.
[<RequireQualifiedAccess>]
module Timeline =

    /// Output schema.
    let schema = TimelineData.codec.Schema

    let private system =
        """You are a historian who places a moment precisely in time and space.
Give the exact date when the record knows it; otherwise choose the most dramatically fitting plausible date and set is_approximate true.
Years use historical numbering: negative for BCE (44 BCE is -44); there is no year 0; stay within -10000 and 3000.
Give dates as the place wrote them, in the calendar in use there: Julian before 15 October 1582, and after it wherever the place had not yet changed (England until 2 September 1752, Russia until 31 January 1918); years begin on 1 January.
Name a specific place (a building, street or site and its city), the season (northern hemisphere unless the place is southern), the part of the day, the era, and two or three sentences of historical context.
A vague request (a war, revolution, reign or period) becomes its single best-known concrete moment: one event, one date, one place; beware eras and places with confusable names and say in historical_context which one you mean.
A fictional request keeps its story's own chronology and places: the story's year when it has a calendar (else one that fits its world), the place as the story names it, the story named in era ("fictional: ..."), and is_approximate true; never a real-world date for an invented world."""

    /// Builds the timeline prompt.
    let buildPrompt (input: TimelineInput) =
        let j = input.Judge

        let hints =
            AgentKit.facts [
                "kind of request", Some(QueryType.name j.QueryType)
                "year mentioned", j.DetectedYear |> Option.map AgentKit.year
                "place mentioned", j.DetectedLocation
                "calendar of the place",
                PlaceCalendar.promptNote
                    (input.Continuity
                     |> Option.map (fun c -> c.Location)
                     |> Option.orElse j.DetectedLocation)
                    (input.Continuity
                     |> Option.map (fun c -> c.Target.Year)
                     |> Option.orElse j.DetectedYear)
                "people mentioned",
                (if List.isEmpty j.DetectedFigures then
                     None
                 else
                     Some(String.concat ", " j.DetectedFigures))
            ]

        let exact =
            match input.Continuity with
            | Some c ->
                let t = c.Target

                let parts =
                    [
                        Some $"year {t.Year}"
                        t.Month |> Option.map (sprintf "month %d")
                        t.Day |> Option.map (sprintf "day %d")
                        t.Hour |> Option.map (sprintf "hour %d")
                    ]
                    |> List.choose id
                    |> String.concat ", "

                $"\n\nThe date is fixed: {parts}. Use exactly these values and the same place, {c.Location}."
            | None -> ""

        {
            System = system
            User =
                "Place this moment in time.\n"
                + AgentKit.quoteQuery input.Query
                + "\n\nWhat the screening found:\n"
                + hints
                + exact
                + GroundingData.promptSection input.Grounding
                + AgentKit.continuity input.Continuity
        }

    /// The timeline agent.
    let agent: Agent<TimelineInput, TimelineData> = {
        Step = Step.Timeline
        Role = ModelRole.Creative
        Temperature = 0.5
        MaxTokens = 1024
        Schema = schema
        BuildPrompt = buildPrompt
        Parse = fun _ text -> AgentKit.parseWith TimelineData.decoder text
    }
