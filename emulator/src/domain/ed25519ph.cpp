// Ed25519ph over OpenSSL BIGNUMs, following RFC 8032 sections 5.1.5-5.1.7 with extended twisted
// Edwards coordinates (a = -1) and the complete addition formula add-2008-hwcd-3.
#include "domain/ed25519ph.hpp"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <memory>
#include <string_view>
#include <vector>

namespace kms::emulator {
namespace {

struct BnFree {
  void operator()(BIGNUM* n) const { BN_clear_free(n); }
};
struct BnCtxFree {
  void operator()(BN_CTX* ctx) const { BN_CTX_free(ctx); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;
using BnCtx = std::unique_ptr<BN_CTX, BnCtxFree>;

Bn NewBn() { return Bn(BN_new()); }

Bn FromDecimal(const char* text) {
  BIGNUM* n = nullptr;
  BN_dec2bn(&n, text);
  return Bn(n);
}

// dom2(1, "") of RFC 8032: Ed25519ph with an empty context.
constexpr std::string_view kDom2 = std::string_view("SigEd25519 no Ed25519 collisions\x01\x00", 34);

struct Point {
  Bn x, y, z, t;
};

// The field, the group order and the base point; computed once, then read-only (BIGNUM inputs of
// BN_mod_* are const, so threads share them).
struct Curve {
  Bn p, d, l, sqrt_m1, p_plus_3_over_8;
  std::vector<uint8_t> base;  // the encoded base point
};

class Field {
 public:
  explicit Field(const Curve& c) : c_(c), ctx_(BN_CTX_new()) {}
  bool ok() const { return ctx_ != nullptr; }
  Bn Mul(const BIGNUM* a, const BIGNUM* b) { return Op(BN_mod_mul, a, b); }
  Bn Add(const BIGNUM* a, const BIGNUM* b) { return Op(BN_mod_add, a, b); }
  Bn Sub(const BIGNUM* a, const BIGNUM* b) { return Op(BN_mod_sub, a, b); }
  Bn Inv(const BIGNUM* a) {
    Bn r = NewBn();
    if (r && BN_mod_inverse(r.get(), a, c_.p.get(), ctx_.get()) == nullptr) r.reset();
    return r;
  }
  Bn Pow(const BIGNUM* a, const BIGNUM* e) {
    Bn r = NewBn();
    if (r && BN_mod_exp(r.get(), a, e, c_.p.get(), ctx_.get()) != 1) r.reset();
    return r;
  }
  BN_CTX* ctx() { return ctx_.get(); }

 private:
  Bn Op(int (*op)(BIGNUM*, const BIGNUM*, const BIGNUM*, const BIGNUM*, BN_CTX*), const BIGNUM* a,
        const BIGNUM* b) {
    Bn r = NewBn();
    if (r && op(r.get(), a, b, c_.p.get(), ctx_.get()) != 1) r.reset();
    return r;
  }
  const Curve& c_;
  BnCtx ctx_;
};

// Every BIGNUM of the result is non-null, or the result is nullopt (allocation failed).
std::optional<Point> Checked(Point pt) {
  if (!pt.x || !pt.y || !pt.z || !pt.t) return std::nullopt;
  return pt;
}

std::optional<Point> AddPoints(Field& f, const Curve& c, const Point& a, const Point& b) {
  Bn two_d = f.Add(c.d.get(), c.d.get());
  Bn pa = f.Mul(f.Sub(a.y.get(), a.x.get()).get(), f.Sub(b.y.get(), b.x.get()).get());
  Bn pb = f.Mul(f.Add(a.y.get(), a.x.get()).get(), f.Add(b.y.get(), b.x.get()).get());
  Bn pc = f.Mul(f.Mul(a.t.get(), two_d.get()).get(), b.t.get());
  Bn zz = f.Mul(a.z.get(), b.z.get());
  Bn pd = f.Add(zz.get(), zz.get());
  if (!two_d || !pa || !pb || !pc || !pd) return std::nullopt;
  Bn e = f.Sub(pb.get(), pa.get()), ff = f.Sub(pd.get(), pc.get());
  Bn g = f.Add(pd.get(), pc.get()), h = f.Add(pb.get(), pa.get());
  if (!e || !ff || !g || !h) return std::nullopt;
  return Checked({f.Mul(e.get(), ff.get()), f.Mul(g.get(), h.get()), f.Mul(ff.get(), g.get()),
                  f.Mul(e.get(), h.get())});
}

std::optional<Point> ScalarMult(Field& f, const Curve& c, const BIGNUM* k, const Point& p) {
  Point r{NewBn(), NewBn(), NewBn(), NewBn()};
  if (!r.x || !r.y || !r.z || !r.t) return std::nullopt;
  BN_zero(r.x.get());
  BN_one(r.y.get());
  BN_one(r.z.get());
  BN_zero(r.t.get());
  for (int i = BN_num_bits(k) - 1; i >= 0; --i) {
    auto doubled = AddPoints(f, c, r, r);
    if (!doubled) return std::nullopt;
    r = std::move(*doubled);
    if (BN_is_bit_set(k, i)) {
      auto sum = AddPoints(f, c, r, p);
      if (!sum) return std::nullopt;
      r = std::move(*sum);
    }
  }
  return r;
}

std::optional<std::array<uint8_t, 32>> Encode(Field& f, const Point& p) {
  Bn zi = f.Inv(p.z.get());
  if (!zi) return std::nullopt;
  Bn x = f.Mul(p.x.get(), zi.get()), y = f.Mul(p.y.get(), zi.get());
  std::array<uint8_t, 32> out{};
  if (!x || !y || BN_bn2lebinpad(y.get(), out.data(), 32) != 32) return std::nullopt;
  if (BN_is_odd(x.get())) out[31] |= 0x80;
  return out;
}

// RFC 8032 section 5.1.3; nullopt for an encoding of no point.
std::optional<Point> Decode(Field& f, const Curve& c, std::span<const uint8_t> in) {
  std::array<uint8_t, 32> bytes{};
  std::copy(in.begin(), in.end(), bytes.begin());
  bool sign = (bytes[31] & 0x80) != 0;
  bytes[31] &= 0x7F;
  Bn y(BN_lebin2bn(bytes.data(), 32, nullptr)), one = NewBn();
  if (!y || !one || !BN_one(one.get()) || BN_cmp(y.get(), c.p.get()) >= 0) return std::nullopt;
  Bn yy = f.Mul(y.get(), y.get());
  if (!yy) return std::nullopt;
  Bn u = f.Sub(yy.get(), one.get()), v = f.Add(f.Mul(c.d.get(), yy.get()).get(), one.get());
  if (!u || !v) return std::nullopt;
  Bn vi = f.Inv(v.get());
  if (!vi) return std::nullopt;
  Bn x2 = f.Mul(u.get(), vi.get());
  Bn x = x2 ? f.Pow(x2.get(), c.p_plus_3_over_8.get()) : nullptr;
  if (!x) return std::nullopt;
  if (Bn sq = f.Mul(x.get(), x.get()); !sq || BN_cmp(sq.get(), x2.get()) != 0) {
    x = f.Mul(x.get(), c.sqrt_m1.get());
    Bn sq2 = x ? f.Mul(x.get(), x.get()) : nullptr;
    if (!sq2 || BN_cmp(sq2.get(), x2.get()) != 0) return std::nullopt;
  }
  if (BN_is_zero(x.get()) && sign) return std::nullopt;
  if (BN_is_odd(x.get()) != sign) x = f.Sub(c.p.get(), x.get());
  if (!x) return std::nullopt;
  Bn t = f.Mul(x.get(), y.get());
  return Checked({std::move(x), std::move(y), std::move(one), std::move(t)});
}

const Curve* MakeCurve() {
  static Curve curve;
  // p = 2^255 - 19, l = 2^252 + 27742317777372353535851937790883648493.
  curve.p =
      FromDecimal("57896044618658097711785492504343953926634992332820282019728792003956564819949");
  curve.l =
      FromDecimal("7237005577332262213973186563042994240857116359379907606001950938285454250989");
  BnCtx ctx(BN_CTX_new());
  Bn num = FromDecimal("121665"), den = FromDecimal("121666"), two = FromDecimal("2");
  Bn inv(BN_mod_inverse(nullptr, den.get(), curve.p.get(), ctx.get()));
  curve.d = NewBn();
  BN_mod_mul(curve.d.get(), num.get(), inv.get(), curve.p.get(), ctx.get());
  BN_mod_sub(curve.d.get(), curve.p.get(), curve.d.get(), curve.p.get(), ctx.get());  // -d'
  // sqrt(-1) = 2^((p - 1) / 4); the square-root exponent (p + 3) / 8.
  Bn e = NewBn();
  BN_sub_word(BN_copy(e.get(), curve.p.get()), 1);
  BN_rshift(e.get(), e.get(), 2);
  curve.sqrt_m1 = NewBn();
  BN_mod_exp(curve.sqrt_m1.get(), two.get(), e.get(), curve.p.get(), ctx.get());
  curve.p_plus_3_over_8 = NewBn();
  BN_add_word(BN_copy(curve.p_plus_3_over_8.get(), curve.p.get()), 3);
  BN_rshift(curve.p_plus_3_over_8.get(), curve.p_plus_3_over_8.get(), 3);
  // The base point: y = 4/5, x even.
  curve.base.assign(32, 0x66);
  curve.base[0] = 0x58;
  return &curve;
}

const Curve& TheCurve() {
  static const Curve* curve = MakeCurve();
  return *curve;
}

// SHA-512 of the concatenated parts.
std::array<uint8_t, 64> Sha512(std::initializer_list<std::span<const uint8_t>> parts) {
  std::array<uint8_t, 64> out{};
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha512(), nullptr);
  for (auto part : parts) EVP_DigestUpdate(ctx.get(), part.data(), part.size());
  EVP_DigestFinal_ex(ctx.get(), out.data(), nullptr);
  return out;
}

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// A 64-byte little-endian hash reduced modulo l.
Bn HashScalar(Field& f, const Curve& c, std::span<const uint8_t, 64> hash) {
  Bn n(BN_lebin2bn(hash.data(), 64, nullptr));
  if (n && BN_nnmod(n.get(), n.get(), c.l.get(), f.ctx()) != 1) n.reset();
  return n;
}

std::optional<std::array<uint8_t, 32>> MultiplyBase(Field& f, const Curve& c, const BIGNUM* k) {
  auto base = Decode(f, c, c.base);
  if (!base) return std::nullopt;
  auto point = ScalarMult(f, c, k, *base);
  if (!point) return std::nullopt;
  return Encode(f, *point);
}

}  // namespace

std::optional<std::array<uint8_t, kEd25519SignatureSize>> Ed25519phSign(
    std::span<const uint8_t, kEd25519KeySize> seed, std::span<const uint8_t> message) {
  const Curve& c = TheCurve();
  Field f(c);
  if (!f.ok()) return std::nullopt;
  std::array<uint8_t, 64> h = Sha512({seed});
  h[0] &= 248;
  h[31] &= 127;
  h[31] |= 64;
  Bn a(BN_lebin2bn(h.data(), 32, nullptr));
  auto ph = Sha512({message});
  auto public_key = a ? MultiplyBase(f, c, a.get()) : std::nullopt;
  Bn r = HashScalar(f, c, Sha512({Bytes(kDom2), std::span(h).subspan(32), ph}));
  OPENSSL_cleanse(h.data(), h.size());
  if (!public_key || !r) return std::nullopt;
  auto big_r = MultiplyBase(f, c, r.get());
  if (!big_r) return std::nullopt;
  Bn k = HashScalar(f, c, Sha512({Bytes(kDom2), *big_r, *public_key, ph}));
  Bn s = NewBn();
  if (!k || !s || BN_mod_mul(s.get(), k.get(), a.get(), c.l.get(), f.ctx()) != 1 ||
      BN_mod_add(s.get(), s.get(), r.get(), c.l.get(), f.ctx()) != 1) {
    return std::nullopt;
  }
  std::array<uint8_t, kEd25519SignatureSize> signature{};
  std::copy(big_r->begin(), big_r->end(), signature.begin());
  if (BN_bn2lebinpad(s.get(), signature.data() + 32, 32) != 32) return std::nullopt;
  return signature;
}

bool Ed25519phVerify(std::span<const uint8_t, kEd25519KeySize> public_key,
                     std::span<const uint8_t> message, std::span<const uint8_t> signature) {
  if (signature.size() != kEd25519SignatureSize) return false;
  const Curve& c = TheCurve();
  Field f(c);
  if (!f.ok()) return false;
  auto big_r = Decode(f, c, signature.first(32));
  auto a = Decode(f, c, public_key);
  Bn s(BN_lebin2bn(signature.data() + 32, 32, nullptr));
  if (!big_r || !a || !s || BN_cmp(s.get(), c.l.get()) >= 0) return false;
  Bn k =
      HashScalar(f, c, Sha512({Bytes(kDom2), signature.first(32), public_key, Sha512({message})}));
  if (!k) return false;
  // [S]B == R + [k]A, compared as encodings.
  auto left = MultiplyBase(f, c, s.get());
  auto ka = ScalarMult(f, c, k.get(), *a);
  auto sum = ka ? AddPoints(f, c, *big_r, *ka) : std::nullopt;
  auto right = sum ? Encode(f, *sum) : std::nullopt;
  return left && right && *left == *right;
}

}  // namespace kms::emulator
