namespace TimepointFlash.Agents

open TimepointFlash

/// Step 1: decides whether a query names a moment that can be staged, and cleans it.
[<RequireQualifiedAccess>]
module Judge =
    let private str = Schema.String None

    /// Output schema.
    let schema =
        Schema.Object(
            [
                "is_valid", Schema.Boolean
                "query_type", Schema.Enum(QueryType.all |> List.map QueryType.name)
                "cleaned_query", str
                "confidence", Schema.Number(Some 0.0, Some 1.0)
                "reason", Schema.Nullable str
                "suggested_query", Schema.Nullable str
                "detected_year", Schema.Nullable(Schema.Integer(Some -10000, Some 3000))
                "detected_location", Schema.Nullable str
                "detected_figures", Schema.Array(str, Some 10)
            ],
            [ "is_valid"; "query_type"; "cleaned_query"; "confidence" ]
        )

    let private system =
        """You screen requests for a service that stages a single moment in time as a detailed scene: a place, a date, people, what they say and do.
A request is valid when it points at a moment that can be pictured:
- historical: a real event or a time and place ("the fall of Constantinople", "rome 50 BCE");
- fictional: a scene from a story or myth;
- speculative: a counterfactual ("what if the Library of Alexandria never burned");
- contemporary: a recent or present-day event.
A request is invalid when it has no moment to stage: how-to or technical questions, definitions, abstract ideas, personal questions, or text too vague to place anywhere.
For a valid request: rewrite it as a short clean description (cleaned_query), classify it, and extract what is explicit or strongly implied: the year (negative for BCE, never 0), the place, and named people.
For an invalid request: set is_valid false, query_type "invalid", explain why in one sentence (reason), and offer a nearby request that would work (suggested_query).
Confidence is how sure you are about the classification, from 0 to 1."""

    /// Builds the judge prompt.
    let buildPrompt (input: JudgeInput) = {
        System = system
        User = "Screen this request.\n" + AgentKit.quoteQuery input.Query
    }

    /// The judge agent.
    let agent: Agent<JudgeInput, JudgeResult> = {
        Step = Step.Judge
        Role = ModelRole.Judge
        Temperature = 0.3
        MaxTokens = 1024
        Schema = schema
        Context = AgentContext.Judge
        BuildPrompt = buildPrompt
        Parse = fun _ text -> AgentKit.parseWith JudgeResult.decoder text
    }
