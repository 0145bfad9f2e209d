using System.ClientModel;
using System.Text.Json;
using Gryphgen.Contracts.Fabric;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAIChat = OpenAI.Chat;

namespace Gryphgen.Agents.Roles;

/// <summary>
/// A role agent: fills the role's prompt from the job, packs it into the model's window, asks the model through the
/// gateway for JSON in the role's schema, and checks the answer. An invalid answer is shown back to the model with
/// what is wrong, once; a second invalid answer fails the job with that reason.
/// </summary>
public sealed class RoleAgent(
    RoleContract contract,
    RolePrompts prompts,
    IChatClient chat,
    PromptPacker packer,
    ModelTokenFit fit,
    IOptions<RoleAgentOptions> options,
    ILogger<RoleAgent> logger) : IRoleAgent
{
    /// <summary>Each packing after a refusal learns a larger ratio; a third that still does not fit will not.</summary>
    private const int FitAttempts = 3;

    public AgentRole Role => contract.Role;

    public async Task<RoleReply> RunAsync(RoleJob job, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var call = RoleCallSettings.For(job, settings);
        var schema = BinaryData.FromString(contract.Schema(settings.Limits).ToJsonString());
        var chatOptions = new ChatOptions
        {
            ModelId = call.Model,
            Temperature = call.Temperature is { } t ? (float)t : null,
            MaxOutputTokens = call.MaxOutputTokens,
            // Set on the OpenAI options, not as ChatOptions.ResponseFormat: Microsoft.Extensions.AI rewrites a schema for
            // OpenAI's strict mode and moves its bounds (maxLength, maxItems) into descriptions, but llama.cpp needs
            // them as keywords to build the grammar that keeps a small model from writing until max_tokens.
            RawRepresentationFactory = _ => new OpenAIChat.ChatCompletionOptions
            {
                ResponseFormat = OpenAIChat.ChatResponseFormat.CreateJsonSchemaFormat(
                    $"{Role.ToName()}_reply", schema, $"The {Role.ToName()}'s reply", jsonSchemaIsStrict: null),
            },
        };
        using var scope = new RoleCall(Role, job.TaskId, job.Priority).Begin();

        progress.Report($"asking {call.Model}");
        var (first, usage) = await AskFittedAsync(budget => packer.Pack(prompts.Role, job, budget), chatOptions, default, cancellationToken);
        if (first.Json is { } json) return new RoleReply(json, usage.Input, usage.Output);

        logger.LogWarning("{Role} reply for task {TaskId} invalid, retrying: {Error}", Role.ToName(), job.TaskId, Gryphgen.Contracts.PrintableText.Line(first.Error!));
        progress.Report($"reply invalid ({first.Error}), retrying");
        var correction = prompts.Retry.Render(new Dictionary<string, string> { ["error"] = first.Error! });
        var badReply = new ChatMessage(ChatRole.Assistant, first.Text);
        // The retry carries the bad reply and the correction too: the job's material is packed into what is left.
        var (second, total) = await AskFittedAsync(budget =>
            [.. packer.Pack(prompts.Role, job, budget - packer.CountTokens([badReply, .. correction])), badReply, .. correction],
            chatOptions, usage, cancellationToken);
        if (second.Json is { } retried) return new RoleReply(retried, total.Input, total.Output);

        throw new RoleJobFailedException($"{Role.ToName()} model '{call.Model}' gave no valid reply in two tries: {second.Error}");
    }

    /// <summary>
    /// Asks with the messages <paramref name="pack"/> makes for the model's budget (<see cref="ModelTokenFit"/>), and
    /// learns from the answer how the model counts. A server that refuses the prompt as longer than its context says
    /// by how much: the prompt is packed again for what it said, up to <see cref="FitAttempts"/> times.
    /// </summary>
    private async Task<(CheckedReply Reply, (int Input, int Output) Usage)> AskFittedAsync(Func<int, IReadOnlyList<ChatMessage>> pack,
        ChatOptions chatOptions, (int Input, int Output) usage, CancellationToken cancellationToken)
    {
        var model = chatOptions.ModelId!;
        for (var attempt = 1; ; attempt++)
        {
            var messages = pack(fit.Budget(model, options.Value.ContextTokens, chatOptions.MaxOutputTokens ?? 0));
            var counted = packer.CountTokens(messages);
            try
            {
                var answer = await AskAsync(messages, chatOptions, usage, cancellationToken);
                fit.Observe(model, counted, answer.Usage.Input - usage.Input);
                return answer;
            }
            catch (ContextOverflowException overflow) when (attempt < FitAttempts)
            {
                fit.Observe(model, counted, overflow.PromptTokens, overflow.ContextTokens);
                logger.LogInformation("{Model} counted the {Role} prompt as {Tokens} tokens (cl100k: {Counted}); packing it again to fit",
                    model, Role.ToName(), overflow.PromptTokens, counted);
            }
            catch (ContextOverflowException overflow)
            {
                throw new RoleJobFailedException($"model '{model}' still refused the {Role.ToName()} prompt as longer than its context " +
                    $"({overflow.PromptTokens} tokens, context {overflow.ContextTokens?.ToString() ?? "not said"}) after packing it {FitAttempts} times");
            }
        }
    }

    private async Task<(CheckedReply Reply, (int Input, int Output) Usage)> AskAsync(
        IReadOnlyList<ChatMessage> messages, ChatOptions chatOptions, (int Input, int Output) usage, CancellationToken cancellationToken)
    {
        ChatResponse response;
        try
        {
            response = await chat.GetResponseAsync(messages, chatOptions, cancellationToken);
        }
        catch (ClientResultException ex) when (ContextOverflowException.From(ex) is { } overflow)
        {
            throw overflow;
        }
        catch (ClientResultException ex)
        {
            // 502, 503, 504: the grid (no endpoint serving the model now, none answering in time), not the request, failed.
            throw new RoleJobFailedException($"the gateway refused the {Role.ToName()} request for model '{chatOptions.ModelId}': {ex.Message}",
                unavailable: ex.Status is 502 or 503 or 504);
        }
        catch (HttpRequestException ex)
        {
            throw new RoleJobFailedException($"the gateway at {options.Value.Gateway} could not be reached: {ex.Message}", unavailable: true);
        }
        var total = (usage.Input + (int)(response.Usage?.InputTokenCount ?? 0), usage.Output + (int)(response.Usage?.OutputTokenCount ?? 0));
        return (Check(response), total);
    }

    private CheckedReply Check(ChatResponse response)
    {
        var text = response.Text;
        if (!ReplyExtraction.TryExtract(text, out var json))
        {
            var cutOff = response.FinishReason == ChatFinishReason.Length ? " (the reply was cut off at the output token limit)" : "";
            return new CheckedReply(text, null, $"the reply contains no complete JSON object{cutOff}");
        }
        using var document = JsonDocument.Parse(json);
        return contract.Validate(document.RootElement) is { } error ? new CheckedReply(text, null, error) : new CheckedReply(text, json, null);
    }

    /// <summary>A model's answer: the JSON when it is valid, otherwise the error to show the model.</summary>
    private sealed record CheckedReply(string Text, string? Json, string? Error);
}
