import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sha256 } from "../../src/internal/sha256.js";

// node:crypto is used here only, as an independent reference; the module itself stays pure.
const reference = (input: string | Uint8Array): string => createHash("sha256").update(input).digest("hex");

describe("sha256", () => {
  it("matches the FIPS 180-4 / NIST test vectors", () => {
    expect(sha256("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
    expect(
      sha256(
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
      ),
    ).toBe("cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  });

  it('hashes one million "a" characters', () => {
    expect(sha256("a".repeat(1_000_000))).toBe("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  });

  it("encodes strings as UTF-8", () => {
    expect(sha256("Nuevo León")).toBe(reference("Nuevo León"));
    expect(sha256("🇲🇽")).toBe(reference(Buffer.from("🇲🇽", "utf8")));
    expect(sha256(new TextEncoder().encode("abc"))).toBe(sha256("abc"));
  });

  it("agrees with node:crypto around every padding boundary", () => {
    for (let n = 0; n <= 200; n++) {
      const text = "x".repeat(n);
      expect(sha256(text), `length ${n}`).toBe(reference(text));
    }
  });

  it("agrees with node:crypto on arbitrary strings and bytes", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), (text) => {
        expect(sha256(text)).toBe(reference(text));
      }),
      { seed: 256 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), (bytes) => {
        expect(sha256(bytes)).toBe(reference(bytes));
      }),
      { seed: 257 },
    );
  });

  it("throws TypeError on other input", () => {
    expect(() => sha256(123 as unknown as string)).toThrow(/^sha256: /);
    expect(() => sha256(null as unknown as string)).toThrow(TypeError);
  });
});
