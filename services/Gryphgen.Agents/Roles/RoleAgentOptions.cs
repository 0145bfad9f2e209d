using System.ComponentModel.DataAnnotations;
using Gryphgen.Contracts.Llm;

namespace Gryphgen.Agents.Roles;

/// <summary>How a role agent reaches its models (<c>Agent:*</c>): the gateway, the default model and its budget.</summary>
public sealed class RoleAgentOptions : IValidatableObject
{
    public const string Section = "Agent";

    /// <summary>SYMORQ's OpenAI-compatible gateway, e.g. <c>http://localhost:5080/v1</c>.</summary>
    [Required]
    public string Gateway { get; set; } = "";

    /// <summary>Sent as the bearer token where the gateway asks for one.</summary>
    public string? GatewayApiKey { get; set; }

    /// <summary>The model alias asked for when a job names none.</summary>
    [Required]
    public string Model { get; set; } = "default";

    /// <summary>Sampling temperature when a job sets none; unset leaves it to the server.</summary>
    [Range(0.0, 2.0)]
    public double? Temperature { get; set; }

    /// <summary>The model's context window in tokens: prompt and reply together must fit in it.</summary>
    [Range(256, 4_194_304)]
    public int ContextTokens { get; set; } = ContextWindow.DefaultTokens;

    /// <summary>The reply's token limit when a job sets none.</summary>
    [Range(16, 1_048_576)]
    public int MaxOutputTokens { get; set; } = 2048;

    /// <summary>How long one model call may take; local models on CPUs are slow.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(10);

    public ReplyLimits Limits { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(Gateway, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            yield return new ValidationResult($"Agent:Gateway must be an http(s) URL such as http://localhost:5080/v1 (got '{Gateway}')", [nameof(Gateway)]);
        if (MaxOutputTokens >= ContextTokens)
            yield return new ValidationResult($"Agent:MaxOutputTokens ({MaxOutputTokens}) must be less than Agent:ContextTokens ({ContextTokens})", [nameof(MaxOutputTokens)]);
        if (RequestTimeout <= TimeSpan.Zero)
            yield return new ValidationResult("Agent:RequestTimeout must be positive", [nameof(RequestTimeout)]);
        var limitResults = new List<ValidationResult>();
        Validator.TryValidateObject(Limits, new ValidationContext(Limits), limitResults, validateAllProperties: true);
        foreach (var result in limitResults)
            yield return new ValidationResult($"Agent:Limits: {result.ErrorMessage}", result.MemberNames.Select(m => $"{nameof(Limits)}.{m}"));
    }
}
