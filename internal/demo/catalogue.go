package demo

import (
	"context"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// The catalogue: 40 products and services in five categories, each with a
// list price (today's price) and a unit cost, so margins are real: rooms and
// drinks earn most, retail least; a gift card costs what is expected to be
// given for it on redemption.

const (
	catRooms     = "Rooms"
	catFood      = "Food & drink"
	catSpa       = "Spa"
	catRetail    = "Retail"
	catGiftCards = "Gift cards"
)

type productSpec struct {
	sku, name, category string
	price, cost         fresco.Money
}

func usd(dollars float64) fresco.Money { return fresco.Money(dollars*100 + 0.5) }

var catalogue = []productSpec{
	{"RM-CITY-STD", "City Hotel standard room (night)", catRooms, usd(169), usd(58)},
	{"RM-CITY-DLX", "City Hotel deluxe room (night)", catRooms, usd(229), usd(72)},
	{"RM-CITY-STE", "City Hotel suite (night)", catRooms, usd(389), usd(115)},
	{"RM-SEA-GDN", "Seaside Hotel garden room (night)", catRooms, usd(189), usd(62)},
	{"RM-SEA-VIEW", "Seaside Hotel sea-view room (night)", catRooms, usd(259), usd(78)},
	{"RM-SEA-STE", "Seaside Hotel beach suite (night)", catRooms, usd(449), usd(128)},
	{"RM-LATE", "Late check-out", catRooms, usd(35), usd(6)},
	{"RM-PARK", "Parking (night)", catRooms, usd(25), usd(7)},

	{"FD-ESP", "Espresso", catFood, usd(3.20), usd(0.45)},
	{"FD-CAP", "Cappuccino", catFood, usd(4.40), usd(0.75)},
	{"FD-TEA", "Loose-leaf tea", catFood, usd(3.80), usd(0.55)},
	{"FD-CROI", "Butter croissant", catFood, usd(3.60), usd(0.95)},
	{"FD-CAKE", "Slice of cake", catFood, usd(5.80), usd(1.45)},
	{"FD-SAND", "Deli sandwich", catFood, usd(9.50), usd(3.10)},
	{"FD-SALAD", "Seasonal salad bowl", catFood, usd(12.50), usd(3.90)},
	{"FD-BRUNCH", "Weekend brunch", catFood, usd(26), usd(8.50)},
	{"FD-BKFST", "Breakfast buffet", catFood, usd(22), usd(7)},
	{"FD-DIN2", "Dinner, two courses", catFood, usd(44), usd(15)},
	{"FD-DIN3", "Chef's tasting menu", catFood, usd(89), usd(31)},
	{"FD-KIDS", "Kids' menu", catFood, usd(14), usd(4.50)},
	{"FD-WINE-GL", "Glass of wine", catFood, usd(12), usd(3)},
	{"FD-WINE-BT", "Bottle of wine", catFood, usd(52), usd(16)},
	{"FD-COCKTAIL", "Cocktail", catFood, usd(15), usd(3.50)},

	{"SP-DAY", "Spa day pass", catSpa, usd(45), usd(12)},
	{"SP-MAS60", "Massage, 60 minutes", catSpa, usd(110), usd(42)},
	{"SP-MAS90", "Massage, 90 minutes", catSpa, usd(150), usd(58)},
	{"SP-FACIAL", "Signature facial", catSpa, usd(120), usd(44)},
	{"SP-COUPLES", "Couples' ritual", catSpa, usd(260), usd(98)},

	{"RT-BEANS", "House coffee beans, 250 g", catRetail, usd(16), usd(7)},
	{"RT-MUG", "Fresco mug", catRetail, usd(18), usd(6)},
	{"RT-TOTE", "Canvas tote bag", catRetail, usd(22), usd(8)},
	{"RT-CANDLE", "Sea-salt candle", catRetail, usd(32), usd(11)},
	{"RT-OIL", "Spa body oil", catRetail, usd(36), usd(13)},
	{"RT-COOKBOOK", "The Fresco cookbook", catRetail, usd(39), usd(17)},
	{"RT-ROBE", "Waffle bathrobe", catRetail, usd(89), usd(38)},
	{"RT-HAMPER", "Gourmet hamper", catRetail, usd(95), usd(52)},

	{"GC-025", "Gift card $25", catGiftCards, usd(25), usd(10)},
	{"GC-050", "Gift card $50", catGiftCards, usd(50), usd(20)},
	{"GC-100", "Gift card $100", catGiftCards, usd(100), usd(40)},
	{"GC-200", "Gift card $200", catGiftCards, usd(200), usd(80)},
}

// generateCatalogue stores the products.
func generateCatalogue(ctx context.Context, w *world, _ *rng) error {
	err := w.db.InTx(ctx, func(tx *store.Tx) error {
		for _, spec := range catalogue {
			p := &fresco.Product{SKU: spec.sku, Name: spec.name, Category: spec.category,
				ListPrice: spec.price, UnitCost: spec.cost}
			if err := tx.CreateProduct(ctx, p); err != nil {
				return err
			}
			w.products = append(w.products, p)
			w.bySKU[p.SKU] = p
		}
		return nil
	})
	w.summary.Products = len(w.products)
	return err
}

// Promotions. WELCOME50 is the introductory offer of the paid digital
// channels: half off a first purchase. FLASH30 and COMEBACK40 are the
// short-lived offers the bargain hunters wait for; the seasonal codes are
// used now and then by everybody.
type promotion struct {
	code    string
	percent int64
}

var (
	welcomeOffer = promotion{"WELCOME50", 50}
	dealOffers   = []promotion{{"FLASH30", 30}, {"COMEBACK40", 40}}
)

// seasonalOffer is the promotion running at t.
func seasonalOffer(t time.Time) promotion {
	switch t.Month() {
	case time.June, time.July, time.August:
		return promotion{"SUMMER20", 20}
	case time.December, time.January, time.February:
		return promotion{"WINTER15", 15}
	default:
		return promotion{"MIDWEEK10", 10}
	}
}
