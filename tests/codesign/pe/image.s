# A small PE image for the Authenticode tests, assembled and linked by
# binutils for MinGW-w64 (tests/tests/authenticode_osslsigncode.rs):
# x86_64-w64-mingw32-as/ld make the PE32+ file, i686-w64-mingw32-as/ld the
# PE32 one (`--no-insert-timestamp` keeps the output the same every run).
# Three sections with raw data of more than one 4 KiB page (page hashes).
    .text
    .globl _start
_start:
    xor %eax, %eax
    ret
    .fill 5000, 1, 0x90
    .data
message:
    .ascii "validate test image: data section"
    .fill 3000, 1, 0x41
    .section .rdata,"dr"
constant:
    .ascii "read-only data"
    .fill 100, 1, 0x42
