using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Gryphgen.Symaug.Sandbox;

/// <summary>
/// The seccomp filter every sandboxed program runs under, as the classic BPF program bubblewrap's <c>--seccomp</c>
/// loads: system calls test code never needs (loading kernel modules, mounting, tracing or reading other processes,
/// the kernel keyring, eBPF, userfaultfd, new namespaces, perf events, opening files by handle) fail with EPERM; a
/// call of any other architecture or ABI (32-bit, x32) kills the process, so it cannot slip past under other numbers.
/// x86-64 only: elsewhere there is no filter (<see cref="Supported"/>).
/// </summary>
public static class SeccompFilter
{
    private const uint AuditArchX8664 = 0xC000003E;
    private const uint X32SyscallBit = 0x40000000;
    private const uint RetKillProcess = 0x80000000, RetErrno = 0x00050000, RetAllow = 0x7FFF0000;
    private const uint Eperm = 1, Enosys = 38;
    private const ushort LoadWordAbsolute = 0x20, JumpEqual = 0x15, JumpGreaterOrEqual = 0x35, JumpAnyBitSet = 0x45, Return = 0x06;
    private const uint ArchOffset = 4, NumberOffset = 0, FirstArgumentOffset = 16;

    // clone() flags that make a namespace (NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET).
    private const uint NamespaceFlags = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;
    private const uint Clone = 56, Clone3 = 435;

    private static readonly uint[] Refused =
    [
        175, 313, 176, 246, 320, // init_module, finit_module, delete_module, kexec_load, kexec_file_load
        165, 166, 155, 167, 168, 169, // mount, umount2, pivot_root, swapon, swapoff, reboot
        428, 429, 430, 431, 432, 433, 442, // open_tree, move_mount, fsopen, fsconfig, fsmount, fspick, mount_setattr
        101, 310, 311, // ptrace, process_vm_readv, process_vm_writev
        250, 248, 249, // keyctl, add_key, request_key
        321, 323, 298, 304, // bpf, userfaultfd, perf_event_open, open_by_handle_at
        272, 308, // unshare, setns
    ];

    public static bool Supported => RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <summary>The program, as the kernel's <c>struct sock_filter</c> array.</summary>
    public static byte[] Program()
    {
        var program = new List<(ushort Code, byte Then, byte Else, uint K)>
        {
            (LoadWordAbsolute, 0, 0, ArchOffset),
            (JumpEqual, 1, 0, AuditArchX8664),
            (Return, 0, 0, RetKillProcess),
            (LoadWordAbsolute, 0, 0, NumberOffset),
            (JumpGreaterOrEqual, 0, 1, X32SyscallBit),
            (Return, 0, 0, RetKillProcess),
        };
        foreach (var number in Refused)
        {
            program.Add((JumpEqual, 0, 1, number));
            program.Add((Return, 0, 0, RetErrno | Eperm));
        }
        // clone3 passes its flags in memory the filter cannot read: ENOSYS makes the C library fall back to clone,
        // whose flags it can.
        program.Add((JumpEqual, 0, 1, Clone3));
        program.Add((Return, 0, 0, RetErrno | Enosys));
        program.Add((JumpEqual, 0, 3, Clone));
        program.Add((LoadWordAbsolute, 0, 0, FirstArgumentOffset));
        program.Add((JumpAnyBitSet, 0, 1, NamespaceFlags));
        program.Add((Return, 0, 0, RetErrno | Eperm));
        program.Add((Return, 0, 0, RetAllow));

        var bytes = new byte[program.Count * 8];
        for (var i = 0; i < program.Count; i++)
        {
            var (code, then, otherwise, k) = program[i];
            var instruction = bytes.AsSpan(i * 8, 8);
            BinaryPrimitives.WriteUInt16LittleEndian(instruction, code);
            instruction[2] = then;
            instruction[3] = otherwise;
            BinaryPrimitives.WriteUInt32LittleEndian(instruction[4..], k);
        }
        return bytes;
    }
}
