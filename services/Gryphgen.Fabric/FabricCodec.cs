using Google.Protobuf;
using Gryphgen.Contracts.Fabric;
using NetMQ;

namespace Gryphgen.Fabric;

/// <summary>
/// Turns <see cref="FabricMessage"/>s into ZeroMQ frames and back. Every message is a protocol header frame
/// followed by one protobuf frame; on the broker's ROUTER side the peer's identity frame comes first.
/// A message that does not follow this shape is reported, never thrown, so one bad peer disturbs nobody else.
/// </summary>
public static class FabricCodec
{
    /// <summary>The header frame; its version changes whenever the frames change incompatibly.</summary>
    public const string ProtocolHeader = "GRYPHGEN-FABRIC/1";

    private static readonly byte[] HeaderBytes = System.Text.Encoding.ASCII.GetBytes(ProtocolHeader);

    /// <summary>Frames for a DEALER to send, or for a ROUTER to send to <paramref name="identity"/>.</summary>
    public static NetMQMessage Encode(FabricMessage message, byte[]? identity = null)
    {
        var frames = new NetMQMessage(3);
        if (identity is not null) frames.Append(identity);
        frames.Append(HeaderBytes);
        frames.Append(message.ToByteArray());
        return frames;
    }

    /// <summary>Reads frames a DEALER received from the broker.</summary>
    public static FabricDecodeResult Decode(NetMQMessage frames) => Decode(frames, withIdentity: false);

    /// <summary>Reads frames a ROUTER received: identity, header, body.</summary>
    public static FabricDecodeResult DecodeFromPeer(NetMQMessage frames) => Decode(frames, withIdentity: true);

    private static FabricDecodeResult Decode(NetMQMessage frames, bool withIdentity)
    {
        var expected = withIdentity ? 3 : 2;
        var identity = withIdentity && frames.FrameCount > 0 ? frames[0].ToByteArray() : null;
        if (frames.FrameCount != expected)
            return FabricDecodeResult.Invalid(identity, $"expected {expected} frames, got {frames.FrameCount}");

        var offset = withIdentity ? 1 : 0;
        if (!frames[offset].ToByteArray().AsSpan().SequenceEqual(HeaderBytes))
            return FabricDecodeResult.Invalid(identity, $"unknown protocol header (expected {ProtocolHeader})");

        try
        {
            var message = FabricMessage.Parser.ParseFrom(frames[offset + 1].ToByteArray());
            return message.BodyCase == FabricMessage.BodyOneofCase.None
                ? FabricDecodeResult.Invalid(identity, "message has no body (unknown or newer message type)")
                : new FabricDecodeResult(identity, message, null);
        }
        catch (InvalidProtocolBufferException ex)
        {
            return FabricDecodeResult.Invalid(identity, $"body is not a FabricMessage: {ex.Message}");
        }
    }
}

/// <summary>What <see cref="FabricCodec"/> read: a message, or the reason there is none.</summary>
public sealed record FabricDecodeResult(byte[]? Identity, FabricMessage? Message, string? Error)
{
    public static FabricDecodeResult Invalid(byte[]? identity, string error) => new(identity, null, error);
}
