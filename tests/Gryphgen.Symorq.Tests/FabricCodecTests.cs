using System.Diagnostics;
using Gryphgen.Contracts.Fabric;
using NetMQ;
using Gryphgen.Fabric;

namespace Gryphgen.Symorq.Tests;

public sealed class FabricCodecTests
{
    [Fact]
    public void A_message_round_trips_with_its_trace_context()
    {
        var trace = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var sent = new FabricMessage { Ping = new Ping { PingId = "p1" } }.WithTraceContext(trace);

        var decoded = FabricCodec.Decode(FabricCodec.Encode(sent));

        Assert.Null(decoded.Error);
        Assert.Equal("p1", decoded.Message!.Ping.PingId);
        Assert.Equal(trace.TraceId, decoded.Message.ExtractTraceContext().TraceId);
        Assert.Equal(trace.SpanId, decoded.Message.ExtractTraceContext().SpanId);
    }

    [Fact]
    public void The_router_side_reads_the_identity_frame()
    {
        var decoded = FabricCodec.DecodeFromPeer(FabricCodec.Encode(new FabricMessage { Heartbeat = new() }, [7, 8]));
        Assert.Equal([7, 8], decoded.Identity);
        Assert.Equal(FabricMessage.BodyOneofCase.Heartbeat, decoded.Message!.BodyCase);
    }

    [Theory]
    [InlineData(1, "expected 2 frames")]
    [InlineData(3, "expected 2 frames")]
    public void A_wrong_number_of_frames_is_reported(int count, string error)
    {
        var frames = new NetMQMessage();
        for (var i = 0; i < count; i++) frames.Append(FabricCodec.ProtocolHeader);
        Assert.Contains(error, FabricCodec.Decode(frames).Error);
    }

    [Fact]
    public void A_message_without_a_body_is_reported_as_unknown()
    {
        var frames = new NetMQMessage();
        frames.Append(FabricCodec.ProtocolHeader);
        frames.Append(Array.Empty<byte>());
        Assert.Contains("no body", FabricCodec.Decode(frames).Error);
    }

    [Fact]
    public void A_message_without_trace_context_extracts_to_no_trace()
    {
        Assert.Equal(default, new FabricMessage { Heartbeat = new() }.ExtractTraceContext());
    }
}
